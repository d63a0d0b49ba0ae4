"""The LMS's forms: their base class (WTForms' own messages in the reader's language), the
date field every form uses and the due-date rule's validator, and the HTTP status of a
page that shows one."""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.i18n import get_translations as wtforms_translations
from wtforms.validators import ValidationError

from lms import i18n
from lms.clock import today
from lms.domain.assigning import (
    DUE_IN_THE_PAST,
    DUE_TOO_FAR_AHEAD,
    MAX_DUE_YEARS,
    due_date_check,
    latest_due_date,
)
from lms.domain.text import translatable

#: WTForms messages the LMS catalogue words itself (WTForms' own Finnish and Polish lack
#: it, its Spanish drops a quote).
WORDED_HERE = (translatable("'%(value)s' is not a valid choice for this field."),)


@cache
def _builtin(locale: str) -> NullTranslations:
    try:
        return wtforms_translations([locale])
    except OSError:  # a language WTForms has no catalogue for: its English
        return NullTranslations()


class _Messages:
    """WTForms' built-in messages ("Not a valid date value.") in the LMS's language: the
    LMS catalogue first (it words some better, or has them where WTForms has none), then
    WTForms' own. Never the host's Flask-Babel domain: the LMS's pages speak the LMS's
    language."""

    def gettext(self, string: str) -> str:
        ours = i18n.get_translations().ugettext(string)
        return ours if ours != string else _builtin(str(i18n.get_locale())).gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = i18n.get_translations().ungettext(singular, plural, n)
        if ours not in (singular, plural):
            return ours
        return _builtin(str(i18n.get_locale())).ngettext(singular, plural, n)


_MESSAGES = _Messages()


class LMSForm(FlaskForm):
    """Every LMS form: Flask-WTF's (CSRF, working for ``LMS_CSRF_TIME_LIMIT``), its
    validation messages in the reader's language."""

    class Meta:
        @property
        def csrf_time_limit(self):
            return current_app.config["LMS_CSRF_TIME_LIMIT"]

        def get_translations(self, form):
            return _MESSAGES


class IsoDateField(DateField):
    """A date, ``YYYY-MM-DD``: what ``<input type="date">`` sends, and what a reader types
    where the browser shows a plain text box instead. The ``field`` macro prints that
    format as a hint tied to the input (every ``DateField`` gets it); a value that is not
    such a date is a field error that says how to write it (WTForms' own "Not a valid
    date value." does not)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "invalid_value_message",
            i18n.lazy_gettext(
                "Not a valid date. Write it as YYYY-MM-DD (year, month, day), "
                "for example 2027-03-31."
            ),
        )
        super().__init__(label, validators, **kwargs)


def due_date(form, field) -> None:
    """The due-date rule (``lms.domain.assigning.due_date_check``) as a WTForms validator:
    today or later, and at most ``MAX_DUE_YEARS`` years ahead."""
    day = today()
    found = due_date_check(field.data, day)
    if found == DUE_IN_THE_PAST:
        raise ValidationError(
            i18n.gettext("The due date is in the past: choose today or a later day.")
        )
    if found == DUE_TOO_FAR_AHEAD:
        raise ValidationError(
            i18n.ngettext(
                "The due date is more than %(num)d year ahead: choose %(day)s or earlier.",
                "The due date is more than %(num)d years ahead: choose %(day)s or earlier.",
                MAX_DUE_YEARS,
                day=i18n.format_date(latest_due_date(day)),
            )
        )


def form_status(form: FlaskForm, *extra_errors: object) -> int:
    """200 for a form shown to be filled in; 400 for one sent back with its errors (a
    field's, the form's, an expired CSRF token's), so a refused submission is never
    answered like a page that worked: scripts, tests and the access matrix can tell."""
    refused = form.is_submitted() and (form.errors or form.form_errors or any(extra_errors))
    return 400 if refused else 200
