"""The LMS's forms: their base class (WTForms' own messages in the reader's language) and
the HTTP status of a page that shows one."""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms.i18n import get_translations as wtforms_translations

from lms import i18n
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


def form_status(form: FlaskForm, *extra_errors: object) -> int:
    """200 for a form shown to be filled in; 400 for one sent back with its errors (a
    field's, the form's, an expired CSRF token's), so a refused submission is never
    answered like a page that worked: scripts, tests and the access matrix can tell."""
    refused = form.is_submitted() and (form.errors or form.form_errors or any(extra_errors))
    return 400 if refused else 200
