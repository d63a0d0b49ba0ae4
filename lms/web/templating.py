"""Rendering LMS templates in the LMS's own overlay of the app's Jinja environment.

The overlay shares the app's loader (so a host's ``templates/lms/...`` overrides any LMS
page, and LMS pages can extend the host's base template) and sees the app's globals, but
what the LMS adds — ``_``, ``lms_person``, ``lms_base_template``... — lives only in the
overlay: nothing is added to the host's ``app.jinja_env`` or its context processors.
Views, error pages and e-mails all render through :func:`render`.

This module is plumbing: the globals that need the areas above it (``lms_person``, the
time estimates) are handed over by the extension in ``LMSState.template_globals``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, before_render_template, current_app, template_rendered
from flask_wtf.csrf import generate_csrf
from jinja2 import Environment, Template

from lms import i18n
from lms.domain.certificates import BADGE_COLOURS, BADGE_LABELS
from lms.web import url_cache
from lms.web.fragments import lms_fragment
from lms.web.layout import portal_links


def _environment(app: Flask) -> Environment:
    state = app.extensions["lms"]
    env = state.extra.get("jinja_env")
    if env is None:
        env = app.jinja_env.overlay()
        env.globals = {}  # a plain dict: Jinja copies it into every render's context
        env.make_globals = _plain_globals(env)
        state.extra["jinja_env"] = env
        state.extra.pop("jinja_app_globals", None)
    _follow_app_globals(app, env)
    return env


def _plain_globals(env: Environment):
    """``Environment.make_globals`` for the overlay: a template's globals are the
    overlay's dict itself, not a ``ChainMap`` in front of it (the LMS never loads a
    template with globals of its own). Every render copies its template's globals and
    every ``{% from ... import %}`` compares two templates' keys: with plain dicts that
    is done in C, not in ``ChainMap``'s Python methods."""
    chained = type(env).make_globals.__get__(env)

    def make_globals(d=None):
        return chained(d) if d else env.globals

    return make_globals


def _follow_app_globals(app: Flask, env: Environment) -> None:
    """The overlay's globals: the app's as they are now, under the LMS's own names.

    A host may add globals after the LMS (``init_app`` order is free), so the app's are
    compared with the copy last taken (a dict comparison: identical values compare in
    C) and taken again when they differ.
    """
    extra = app.extensions["lms"].extra
    now = app.jinja_env.globals
    if extra.get("jinja_app_globals") == now:
        return
    merged = {**now, **_lms_globals(app)}
    if now.get("url_for") == app.url_for:
        # Flask's own (a host that put another url_for in its globals keeps it here too)
        merged["url_for"] = url_cache.url_for
    env.globals.update(merged)
    for name in [n for n in env.globals if n not in merged]:
        del env.globals[name]  # the app dropped it
    extra["jinja_app_globals"] = dict(now)


def _lms_globals(app: Flask) -> dict[str, Any]:
    return {
        **app.extensions["lms"].template_globals,
        "_": i18n.gettext,
        "gettext": i18n.gettext,
        "ngettext": i18n.ngettext,
        "lms_locale": i18n.html_lang,
        "lms_current_locale": lambda: str(i18n.get_locale()),
        "lms_languages": i18n.language_choices,
        "lms_switch_language": i18n.lms_decides_locale,
        "lms_badge_colour": lambda status: BADGE_COLOURS.get(status, "grey"),
        "lms_badge_label": _badge_label,
        "lms_date": i18n.format_date,
        "lms_datetime": i18n.format_datetime,
        "lms_iso_moment": i18n.iso_moment,
        "lms_percent": i18n.format_percent,
        "lms_number": i18n.format_number,
        "lms_portal_links": portal_links,
        "csrf_token": generate_csrf,
        "lms_fragment": lms_fragment,
    }


def _badge_label(status: str) -> str:
    """A status in the viewer's words (an unknown one as it is)."""
    label = BADGE_LABELS.get(status)
    return i18n.gettext(label) if label else status


def _lms_context(app: Flask) -> dict[str, Any]:
    config = app.config
    return {
        "lms_site_name": config["LMS_SITE_NAME"],
        "lms_standalone": app.extensions["lms"].standalone,
        "lms_base_template": config["LMS_BASE_TEMPLATE"],
    }


def get_template(name: str | Template) -> Template:
    """An LMS template (or the host's override of it), compiled in the LMS environment."""
    if isinstance(name, Template):
        return name
    return _environment(current_app._get_current_object()).get_or_select_template(name)


def render(template_name: str, **context: Any) -> str:
    """Render an LMS template with the app's context processors and the LMS's names.

    Works inside a request and outside one (e-mails from the CLI).
    """
    app = current_app._get_current_object()
    template = get_template(template_name)
    app.update_template_context(context)
    for key, value in _lms_context(app).items():
        context.setdefault(key, value)
    before_render_template.send(app, template=template, context=context)
    rendered = template.render(context)
    template_rendered.send(app, template=template, context=context)
    return rendered
