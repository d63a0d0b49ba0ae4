"""Forms of the certification pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from lms.certification.revocation import REASON_MAX, reason_problem
from lms.i18n import gettext
from lms.i18n import lazy_gettext as _l
from lms.web.forms import LMSForm


class RevokeForm(LMSForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l(
            "The learner sees this reason, in an e-mail and on their certificates page; "
            "the audit log keeps it."
        ),
        render_kw={"rows": 4, "maxlength": REASON_MAX, "required": True},
    )

    def validate_reason(self, field):
        problem = reason_problem(field.data)
        if problem:
            raise ValidationError(problem)


class AcknowledgeForm(LMSForm):
    """The policy acknowledgement: the statement ticked and the learner's name typed."""

    accept = BooleanField(
        _l("I have read this version of the policy, I understand it and I will follow it."),
        validators=[DataRequired(_l("Tick the statement to acknowledge the policy."))],
    )
    name = StringField(
        _l("Your full name, as a signature"),
        description=_l("Type your name exactly as it appears on your account."),
        validators=[DataRequired(_l("Type your full name to sign."))],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )


def name_mismatch(person) -> str:
    """The field error for a signature that is not the person's name."""
    return gettext("Type your name as it appears on your account: %(name)s.", name=person.name)
