"""The LMS's translations, in either mode, without touching a host's Flask-Babel.

The LMS's catalogues live in ``lms/translations`` (domain ``messages``) and are loaded
here with Babel, never merged into a host's ``BABEL_TRANSLATION_DIRECTORIES``. The locale:

* when the app has Flask-Babel (always in standalone mode, where the LMS creates it with
  :func:`select_locale`; in host mode only if the host has it), the app's locale selector
  decides, so a host's choice wins;
* otherwise :func:`select_locale` decides: ``Accept-Language`` among the catalogues the
  LMS has, then ``LMS_DEFAULT_LOCALE``.

Python code marks strings with ``gettext``/``_``, ``ngettext`` and ``lazy_gettext``/``_l``
from here; templates get ``_``, ``gettext`` and ``ngettext`` from ``lms.web.templating``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_request_context, request
from flask_babel import LazyString

TRANSLATIONS = Path(__file__).parent / "translations"


@cache
def available_locales() -> tuple[str, ...]:
    """Locales with a compiled catalogue, plus English (the source language)."""
    found = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return tuple(sorted(found | {"en"}))


def select_locale() -> str:
    """The LMS's own choice: ``Accept-Language`` among its catalogues, else the default."""
    default = current_app.config.get("LMS_DEFAULT_LOCALE") or "en"
    if has_request_context():
        best = request.accept_languages.best_match(available_locales())
        if best:
            return best
    return default


def get_locale() -> Locale:
    """The locale LMS text is shown in for this request (or job)."""
    if has_request_context() and "lms_locale" in g:
        return g.lms_locale
    if "babel" in current_app.extensions and has_request_context():
        from flask_babel import get_locale as app_locale

        locale = app_locale() or Locale.parse(select_locale())
    else:
        locale = Locale.parse(select_locale())
    if has_request_context():
        g.lms_locale = locale
    return locale


@cache
def _catalogue(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], "messages")


def get_translations() -> NullTranslations:
    try:
        return _catalogue(str(get_locale()))
    except RuntimeError:  # outside any app context: the source text
        return NullTranslations()


def gettext(string: str, **variables) -> str:
    """``string`` in the current locale, ``%(name)s`` filled from ``variables``."""
    text = get_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The plural form for ``num`` in the current locale (``%(num)d`` is available)."""
    variables.setdefault("num", num)
    return get_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Like :func:`gettext`, translated when used (form labels defined at import time)."""
    return LazyString(gettext, string, **variables)


_ = gettext
_l = lazy_gettext
