"""Report filters (GET forms: no CSRF needed, nothing changes) and the assignment form."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from lms.domain.certification import STATUS_LABELS, STATUSES
from lms.i18n import lazy_gettext as _l
from lms.web.forms import IsoDateField, LMSForm, due_date


class ReportFilterForm(LMSForm):
    class Meta:
        csrf = False  # a GET form that only reads

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(s, _l(STATUS_LABELS[s])) for s in STATUSES],
        validators=[Optional()],
        default="",
    )
    course = SelectField(
        _l("Course"),
        choices=[SelectChoice("", _l("All courses"))],
        validators=[Optional()],
        default="",
    )
    department = SelectField(
        _l("Department"),
        choices=[SelectChoice("", _l("All departments"))],
        validators=[Optional()],
        default="",
    )
    within = SelectField(
        _l("Due or expiring within"),
        choices=[
            SelectChoice("", _l("Any time")),
            SelectChoice("30", _l("30 days")),
            SelectChoice("60", _l("60 days")),
            SelectChoice("90", _l("90 days")),
        ],
        validators=[Optional()],
        default="",
    )
    direct = BooleanField(_l("Direct reports only"))
    q = StringField(_l("Name or e-mail contains"), validators=[Optional()])
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("name", _l("Name")),
            SelectChoice("department", _l("Department")),
            SelectChoice("status", _l("Most urgent first")),
            SelectChoice("due", _l("Due date")),
        ],
        default="name",
        validators=[Optional()],
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])


class AssignForm(LMSForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    target = RadioField(
        _l("Assign to"),
        choices=[
            SelectChoice("person", _l("People I choose")),
            SelectChoice("department", _l("A department")),
            SelectChoice("tree", _l("A manager's whole team")),
        ],
        default="person",
        validators=[DataRequired()],
    )
    # Ticked in the picker: any ids; whom they reach is decided by ``reach.people_reached``
    # (only people the one assigning may assign), so the choices are not loaded here.
    person = SelectMultipleField(
        _l("People"), validators=[Optional()], coerce=str, validate_choice=False
    )
    q = StringField(_l("Find people by name or e-mail"), validators=[Optional()])
    department = SelectField(_l("Department"), validators=[Optional()], coerce=str)
    manager = SelectField(_l("Manager"), validators=[Optional()], coerce=str)
    reason = SelectField(
        _l("Reason"),
        choices=[
            SelectChoice("annual", _l("Annual")),
            SelectChoice("onboarding", _l("Onboarding")),
            SelectChoice("manual", _l("Manual")),
        ],
        default="annual",
    )
    # InputRequired, not DataRequired: a date that does not parse says how to write one,
    # instead of "This field is required." Today or later, at most MAX_DUE_YEARS ahead.
    due_on = IsoDateField(_l("Due date"), validators=[InputRequired(), due_date])
    reassign = BooleanField(
        _l(
            "Also assign to people who are already certified (a new assignment for "
            "their next cycle; their certificate stays valid)"
        )
    )
    # The fingerprint of the breakdown the page showed: Confirm assigns only if a fresh
    # check gives the same one (same people, same outcomes, same settings).
    confirmed = HiddenField(default="")


class RemindForm(LMSForm):
    """The person page's "Send a reminder" button (a POST, so CSRF-protected)."""

    course = HiddenField(validators=[DataRequired()])
