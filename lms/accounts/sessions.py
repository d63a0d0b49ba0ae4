"""Sign-ins the server can revoke (standalone mode).

Flask's session and Flask-Login's remember cookie are signed, not stored: a copy keeps
working after sign-out unless the server checks something. So every sign-in is a
:class:`LoginSession` row holding the SHA-256 of a random token, and the cookie names
``<person id>.<token>`` (``Person.get_id``). :func:`load_person` (the user loader) accepts
a cookie only while its row exists and has not expired; signing out deletes the row, and
a password change or reset deletes all of the person's rows.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select

from lms.accounts.models import LoginSession, Person
from lms.db import MAX_ID, session, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    value = (
        config.get("REMEMBER_COOKIE_DURATION", timedelta(days=30))
        if remember
        else config.get("PERMANENT_SESSION_LIFETIME", timedelta(hours=12))
    )
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def sign_in(person: Person, *, remember: bool = False) -> None:
    """Record a new sign-in for ``person`` and start the Flask-Login session for it."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    lifetime = _lifetime(remember)
    session.execute(
        delete(LoginSession).where(
            LoginSession.person_id == person.id, LoginSession.expires_at <= now
        )
    )
    session.add(
        LoginSession(
            person_id=person.id,
            token_hash=_hash(token),
            remember=remember,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.commit()
    person.login_token = token
    login_user(person, remember=remember, duration=lifetime if remember else None)


#: The person of a live sign-in: their id, the token's hash and the time bound per call.
_LIVE_SIGN_IN = (
    select(Person, LoginSession.id)
    .join(LoginSession, LoginSession.person_id == Person.id)
    .where(
        Person.id == bindparam("person"),
        LoginSession.token_hash == bindparam("token"),
        LoginSession.expires_at > bindparam("now"),
    )
)


def load_person(user_id: str) -> Person | None:
    """Flask-Login's user loader: the person named by a live sign-in, else None."""
    person_id, _, token = (user_id or "").partition(".")
    if not token or not person_id.isdigit() or not 0 < int(person_id) <= MAX_ID:
        return None
    row = session.execute(
        _LIVE_SIGN_IN, {"person": int(person_id), "token": _hash(token), "now": utcnow()}
    ).first()
    if row is None:
        return None
    person = row[0]
    person.login_token = token
    return person


def sign_out(person: Person | None) -> None:
    """End this sign-in on the server (its cookies stop working) and in the browser."""
    if person is not None and person.login_token:
        session.execute(
            delete(LoginSession).where(
                LoginSession.person_id == person.id,
                LoginSession.token_hash == _hash(person.login_token),
            )
        )
        session.commit()
    logout_user()


def revoke_all(person_id: int) -> None:
    """End every sign-in of the person (after a password change); the caller commits."""
    session.execute(delete(LoginSession).where(LoginSession.person_id == person_id))
