"""Forms of the certification pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from lms.certification.revocation import REASON_MAX, reason_problem
from lms.i18n import lazy_gettext as _l


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The learner sees this reason, in an e-mail and on their certificates page; "
                       "the audit log keeps it."),
        render_kw={"rows": 4, "maxlength": REASON_MAX, "required": True},
    )

    def validate_reason(self, field):
        problem = reason_problem(field.data)
        if problem:
            raise ValidationError(problem)
