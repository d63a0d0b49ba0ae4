"""The LMS's translations, in either mode, without touching a host's Flask-Babel.

The LMS's catalogues live in ``lms/translations`` (domain ``messages``, compiled to ``.mo``
by the build and by ``make install``) and are loaded here with Babel, never merged into a
host's ``BABEL_TRANSLATION_DIRECTORIES``. The locale of a request, in order:

1. a locale forced for a piece of work (:func:`force_locale`: an e-mail or a certificate
   in its recipient's language);
2. in host mode, the host's Flask-Babel locale selector when the host has one;
3. the signed-in person's saved choice (``Person.locale``, set with the language switcher),
   or an anonymous visitor's choice kept in the session;
4. ``Accept-Language`` among the catalogues the LMS has;
5. ``LMS_DEFAULT_LOCALE``.

Python code marks strings with ``gettext``/``_``, ``ngettext`` and ``lazy_gettext``/``_l``
from here; templates get ``_``, ``gettext``, ``ngettext`` and the formatting filters from
``lms.web.templating``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_request_context, request, session
from flask.globals import _cv_app, _cv_request
from flask_babel import LazyString
from flask_babel import get_locale as host_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

TRANSLATIONS = Path(__file__).parent / "translations"
SESSION_KEY = "lms_locale"
_forced: ContextVar[str | None] = ContextVar("lms_forced_locale", default=None)


@cache
def available_locales() -> tuple[str, ...]:
    """Locales with a catalogue (compiled or not), English (the source language) first."""
    found = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    found |= {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return ("en", *sorted(found - {"en"}))


@cache
def language_name(code: str) -> str:
    """The language's own name for itself ("suomi", "polski"), for the switcher."""
    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, UnknownLocaleError):
        return code


def language_choices() -> tuple[tuple[str, str], ...]:
    """``(code, own name)`` of each language the LMS has, for the switcher."""
    return _choices(available_locales())


@cache
def _choices(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((code, language_name(code)) for code in codes)


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    code = code.replace("-", "_")
    if code in available_locales():
        return code
    base = code.split("_")[0]
    return base if base in available_locales() else None


@lru_cache(maxsize=512)
def _best_for_header(header: str, locales: tuple[str, ...]) -> str | None:
    """The one of ``locales`` an ``Accept-Language`` value asks for. Browsers send a
    handful of distinct values, and parsing and matching one costs more than the rest of
    choosing a locale, so each is matched once."""
    if not header:
        return None
    return parse_accept_header(header, LanguageAccept).best_match(locales)


@cache
def _parsed(code: str) -> Locale:
    """``Locale.parse`` once per code (it checks the locale data on every call)."""
    return Locale.parse(code)


def lms_decides_locale() -> bool:
    """False in a host whose own Flask-Babel chooses the language (its choice wins)."""
    state = current_app.extensions["lms"]
    return state.standalone or "babel" not in current_app.extensions


def select_locale() -> str:
    """The LMS's own choice for this request (steps 3 to 5 above)."""
    if has_request_context():
        # Who is signed in is the accounts' business (above this module): the extension
        # hands its ``current_person`` over on the app's LMS state.
        state = current_app.extensions.get("lms")
        person = state.current_person() if state is not None else None
        chosen = _supported(getattr(person, "locale", None)) or _supported(session.get(SESSION_KEY))
        if chosen:
            return chosen
        best = _best_for_header(request.headers.get("Accept-Language", ""), available_locales())
        if best:
            return best
    return _supported(current_app.config.get("LMS_DEFAULT_LOCALE")) or "en"


def get_locale() -> Locale:
    """The locale LMS text is shown in for this request (or piece of work)."""
    forced = _forced.get()
    if forced:
        return _parsed(forced)
    if has_request_context():
        found = g.get("lms_locale")  # chosen once per request (templates ask many times)
        if found is not None:
            return found
    state = current_app.extensions.get("lms")
    locale = None
    host_babel = state is not None and not state.standalone and "babel" in current_app.extensions
    if has_request_context() and host_babel:
        locale = host_locale()  # the host's selector wins in its own app
    if locale is None:
        locale = _parsed(select_locale())
    if has_request_context():
        g.lms_locale = locale
    return locale


@contextmanager
def force_locale(code: str | None) -> Iterator[None]:
    """Render what is inside in ``code`` (if the LMS has it), e.g. an e-mail for its
    recipient; ``None`` leaves the current locale."""
    token = _forced.set(_supported(code) or _forced.get())
    try:
        yield
    finally:
        _forced.reset(token)


def locale_code() -> str:
    """The current locale as a code to record (``fi``, ``pt_BR``): the language an attempt
    or a scenario run was taken in."""
    return str(get_locale())


def html_lang() -> str:
    """The current locale as an HTML ``lang`` value (``pt-BR``)."""
    return str(get_locale()).replace("_", "-")


@cache
def _catalogue(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], "messages")


def get_translations() -> NullTranslations:
    """The catalogue LMS text is looked up in now (every ``gettext`` asks)."""
    if not _forced.get():
        # The request's catalogue, looked up once per request: a page asks for it dozens
        # of times, so the context variables are read directly rather than through
        # ``g`` and ``has_request_context`` (each a proxy lookup of its own).
        app_ctx = _cv_app.get(None)
        if app_ctx is not None and _cv_request.get(None) is not None:
            found = getattr(app_ctx.g, "lms_translations", None)
            if found is None:
                found = app_ctx.g.lms_translations = _catalogue(str(get_locale()))
            return found
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


# --- formatting for the locale (Babel) ----------------------------------------------------


def format_date(value: date | datetime | str | None, format: str = "medium") -> str:
    """A date as the locale writes it ("Dec 1, 2026", "1.12.2026"); "" for None.

    An ISO date string is read first: some e-mail contexts carry their dates as the JSON
    they are audited with (``"2026-12-01"``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format=format, locale=get_locale())


def _moment(value: datetime) -> datetime:
    """``value`` in the organisation's time zone (``LMS_TIMEZONE``); stored times are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(current_app.config["LMS_TIMEZONE"]))


def format_datetime(value: datetime | None, *, zone: bool = False) -> str:
    """A moment as the locale writes it, in the organisation's time zone: the medium date
    and the short time joined the locale's way ("Dec 1, 2026, 6:45 PM", "1.12.2026 klo
    18.45"); with ``zone`` the zone's name follows ("(UTC)"). "" for None."""
    if value is None:
        return ""
    local, locale = _moment(value), get_locale()
    text = (
        locale.datetime_formats["medium"]
        .replace("'", "")
        .replace("{0}", babel_dates.format_time(local, "short", locale=locale))
        .replace("{1}", babel_dates.format_date(local, "medium", locale=locale))
    )
    return f"{text} ({current_app.config['LMS_TIMEZONE']})" if zone else text


def iso_moment(value: datetime | None) -> str:
    """The same moment for machines (``<time datetime>``): ISO 8601 with its offset."""
    return _moment(value).isoformat(timespec="minutes") if value is not None else ""


def format_percent(value: float | None, digits: int = 0) -> str:
    """A percentage as the locale writes it ("83 %" in French, "83%" in English)."""
    if value is None:
        return ""
    locale = get_locale()
    return babel_numbers.format_percent(
        value / 100, format=_percent_pattern(locale, digits), locale=locale
    )


@cache
def _percent_pattern(locale: Locale, digits: int) -> babel_numbers.NumberPattern:
    """The locale's own percent pattern, which keeps its spacing and sign placement ("83 %"
    in Finnish), with ``digits`` decimals; parsed once per locale."""
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?![0#,.])", "0." + "0" * digits, pattern, count=1)
    return babel_numbers.parse_pattern(pattern)


def format_list(items: list[str]) -> str:
    """Items joined the locale's way ("3, 5 and 7", "3, 5 ja 7")."""
    return babel_lists.format_list(items, locale=get_locale()) if items else ""


def format_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=get_locale())


_ = gettext
_l = lazy_gettext
