"""Answers kept across a lost sign-in.

A learner signed out in another tab (or whose sign-in expired) who submits a knowledge
check or an assessment must not lose the answers, nor land on a POST-only address after
signing in again (a 405). The refused POST keeps its answer fields in the session and
sends the learner to sign in with ``next`` pointing at the page the form came from; that
page, shown again, takes the answers back and pre-selects them. Only answer fields
(``q-…``) are kept, at most ``MAX_CHARS`` of them: the session is a cookie.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import current_app, flash, request, session
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from lms.i18n import gettext as _

KEY = "lms_resume"
MAX_CHARS = 2500


def return_url() -> str:
    """Where a refused POST should come back to after signing in: the page the form was
    on (same origin), else this address when it also answers GET, else the home page."""
    referrer = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if referrer.netloc == here.netloc and referrer.path.startswith(request.script_root or "/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
        return request.full_path if request.query_string else request.path
    except (MethodNotAllowed, NotFound, RequestRedirect):
        return (request.script_root or "") + "/"


def keep_answers(url: str, *, quiet: bool = False) -> bool:
    """Keep this POST's answer fields for the page at ``url``; whether any were kept.
    ``quiet``: the page taking them back says nothing (the caller has said why)."""
    fields = {k: request.form.getlist(k) for k in request.form if k.startswith("q-")}
    if not fields:
        return False
    kept = {"url": urlsplit(url).path, "form": fields, "quiet": quiet}
    data = json.dumps(kept, separators=(",", ":"))
    if len(data) > MAX_CHARS:
        return False
    session[KEY] = data
    return True


def take_answers(path: str | None = None) -> MultiDict | None:
    """The answers kept for this page (once), or None; says so in a flash message."""
    raw = session.get(KEY)
    if not raw:
        return None
    try:
        kept = json.loads(raw)
    except ValueError:
        session.pop(KEY, None)
        return None
    if kept.get("url") != (path or request.path):
        return None
    session.pop(KEY, None)
    form = MultiDict()
    for key, values in kept.get("form", {}).items():
        for value in values if isinstance(values, list) else []:
            if isinstance(value, str):
                form.add(key, value)
    if not kept.get("quiet"):
        flash(_("Welcome back: your answers are kept. Check them and send them again."), "info")
    return form
