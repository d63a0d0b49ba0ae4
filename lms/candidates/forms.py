"""Forms of the candidate pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts.forms import EmailAddress, SetPasswordForm
from lms.i18n import lazy_gettext as _l
from lms.web.forms import IsoDateField, LMSForm, due_date


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (one per choice) instead of a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_least_one(form, field):
    """Like DataRequired, without marking every checkbox ``required`` (a browser would
    then ask for all of them)."""
    if not field.data:
        field.errors[:] = []
        raise StopValidation(_l("Choose at least one course."))


class InviteForm(LMSForm):
    email = EmailField(
        _l("Candidate's e-mail address"),
        validators=[DataRequired(), EmailAddress(), Length(max=254)],
    )
    name = StringField(_l("Candidate's name"), validators=[DataRequired(), Length(max=200)])
    courses = CheckboxesField(_l("Onboarding courses"), coerce=int, validators=[at_least_one])
    due_on = IsoDateField(
        _l("Due date (for example the start date)"), validators=[InputRequired(), due_date]
    )
    department = StringField(_l("Department (optional)"), validators=[Optional(), Length(max=120)])


class AcceptForm(SetPasswordForm):
    """The candidate chooses their name and password (the same rules as everyone's)."""


class HireForm(LMSForm):
    manager = SelectField(_l("Manager"), coerce=int, validators=[DataRequired()])
    department = StringField(_l("Department"), validators=[DataRequired(), Length(max=120)])


class ConfirmForm(LMSForm):
    """A confirmation step with nothing to fill in but the CSRF token."""


class EraseForm(LMSForm):
    """Erasing cannot be undone: the admin types the candidate's e-mail address to confirm."""

    confirm_email = StringField(
        _l("Type the candidate's e-mail address to confirm"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = email

    def validate_confirm_email(self, field):
        if (field.data or "").strip().lower() != self.expected.lower():
            raise ValidationError(_l("That is not this candidate's e-mail address."))
