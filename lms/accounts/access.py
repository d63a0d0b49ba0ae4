"""Who is signed in, and what they may open.

In standalone mode the signed-in Flask-Login user *is* the LMS person. In a host app the
signed-in user is the host's; the extension's ``identity`` hook says who they are and
``lms.accounts.provisioning`` maps that to an LMS person. Every view asks here, never
``current_user`` directly, so both modes behave the same.
"""

from __future__ import annotations

import logging
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from lms.accounts.models import Person
from lms.accounts.provisioning import ProvisioningRefused, person_for_identity
from lms.accounts.tree import in_tree
from lms.db import session
from lms.i18n import gettext as _
from lms.web import resume

log = logging.getLogger(__name__)
_UNKNOWN = object()  # who is signed in has not been looked up in this request yet


def _host_person() -> Person | None:
    state = current_app.extensions["lms"]
    identity = state.identity(current_user)
    if identity is None:
        return None
    try:
        return person_for_identity(identity, session)
    except (ProvisioningRefused, ValueError) as exc:
        log.warning("host user %r has no LMS access: %s", identity.external_id, exc)
        return None


def current_person() -> Person | None:
    """The LMS person for this request, or None when nobody is signed in."""
    found = g.get("lms_person", _UNKNOWN)
    if found is not _UNKNOWN:
        return found
    person = None
    if current_user and current_user.is_authenticated:
        person = current_user if current_app.extensions["lms"].standalone else _host_person()
        if person is not None and not person.is_active:
            person = None
    g.lms_person = person
    return person


def _login_url(next_url: str) -> str:
    state = current_app.extensions["lms"]
    view = "lms.accounts.login" if state.standalone else state.login_manager.login_view
    if not view:
        abort(401)
    return url_for(view, next=next_url)


def _refuse_anonymous():
    """Nobody usable signed in: sign-in page, or 403 for a host user the LMS refuses.

    A refused form submission comes back to the page it was sent from, with its answers
    kept (``lms.web.resume``): never to a POST-only address.
    """
    if current_user and current_user.is_authenticated:
        abort(403)  # signed in to the host, but the identity hook or the data said no
    if request.method == "GET":
        return redirect(_login_url(request.full_path if request.query_string else request.path))
    back = resume.return_url()
    if resume.keep_answers(back):
        flash(
            _(
                "You were signed out before your answers were sent. Sign in again: your answers "
                "are kept on the page for you to send."
            ),
            "warning",
        )
    else:
        flash(_("You were signed out, so nothing was sent. Sign in again to continue."), "warning")
    return redirect(_login_url(back))


def login_required(view):
    """Redirect to the (host's or our) sign-in page when nobody is signed in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_person() is None:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Signed in and holding one of ``roles``; anyone else gets a 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            person = current_person()
            if person is None:
                return _refuse_anonymous()
            if person.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def may_view_person(viewer: Person, person_id: int) -> bool:
    """Whether ``viewer`` may see another person's records: admins everyone, managers
    the people in their reporting tree (directly or not), nobody else."""
    if viewer.role == "admin":
        return True
    return viewer.role == "manager" and in_tree(viewer.id, person_id)
