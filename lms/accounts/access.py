"""Who is signed in, and what they may open.

In standalone mode the signed-in Flask-Login user *is* the LMS person. In a host app the
signed-in user is the host's; the extension's ``person_for_user`` hook maps it to an LMS
person (see ``lms.extension.default_person_for_user``). Every view asks here, never
``current_user`` directly, so both modes behave the same.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from lms.accounts.models import Person


def current_person() -> Person | None:
    """The LMS person for this request, or None when nobody is signed in."""
    if "lms_person" in g:
        return g.lms_person
    person = None
    if current_user and current_user.is_authenticated:
        state = current_app.extensions["lms"]
        person = current_user if state.standalone else state.person_for_user(current_user)
        if person is not None and not person.is_active:
            person = None
    g.lms_person = person
    return person


def _login_url() -> str:
    state = current_app.extensions["lms"]
    manager = current_app.login_manager
    view = manager.login_view if not state.standalone else "lms.accounts.login"
    if not view:
        abort(401)
    return url_for(view, next=request.full_path if request.query_string else request.path)


def login_required(view):
    """Redirect to the (host's or our) sign-in page when nobody is signed in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_person() is None:
            return redirect(_login_url())
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Signed in and holding one of ``roles``; anyone else gets a 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            person = current_person()
            if person is None:
                return redirect(_login_url())
            if person.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
