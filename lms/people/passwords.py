"""Password resets by e-mail (standalone mode): single-use, expiring, no enumeration.

``request_reset`` answers the same way whether or not the address has an account, and
queues the link (through the outbox, in the same transaction as the reset row) only for
an active person who has a password. ``reset`` uses the link once — a conditional UPDATE
on ``used_at`` — sets the new password, and ends every sign-in of the person.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from lms.accounts import services, sessions
from lms.accounts.models import PasswordReset, Person
from lms.audit.services import record
from lms.db import session, utcnow
from lms.outbox.mail import queue_mail
from lms.web.urls import absolute_url

#: At most one reset mail per person in this time, however often the form is sent.
RESEND_AFTER = timedelta(minutes=2)


class ResetRefused(ValueError):
    """The link is unknown, used or expired (one answer for all three)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> None:
    """Queue a reset link for ``email`` if it belongs to an active person with a password."""
    person = services.find_by_email(email)
    if person is None or not person.password_hash or person.status != "active":
        return
    now = utcnow()
    recent = session.scalar(
        select(PasswordReset.id).where(
            PasswordReset.person_id == person.id, PasswordReset.created_at > now - RESEND_AFTER
        )
    )
    if recent is not None:
        return
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["LMS_PASSWORD_RESET_MAX_AGE_MINUTES"])
    reset = PasswordReset(
        person_id=person.id,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(reset)
    session.flush()
    queue_mail(
        to=person,
        template="password_reset",
        key=f"password-reset:{reset.id}",
        context={
            "url": absolute_url("lms.accounts.reset_password", token=token),
            "minutes": minutes,
        },
    )
    record("request_password_reset", actor=person, target_type="person", target_id=person.id)
    session.commit()


def check(token: str) -> PasswordReset:
    """The reset row for a link that still works, else ResetRefused."""
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _hash(token or ""))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise ResetRefused("this link is unknown, already used or expired")
    return row


def reset(token: str, password: str) -> Person:
    """Set a new password through the link, once; every sign-in of the person ends."""
    row = check(token)
    person = session.get(Person, row.person_id)
    services.set_password(person, password)  # ValueError (too short) before anything is written
    now = utcnow()
    claimed = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == row.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise ResetRefused("this link is unknown, already used or expired")
    # Other links the person asked for stop working too.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.person_id == person.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    sessions.revoke_all(person.id)
    record("reset_password", actor=person, target_type="person", target_id=person.id)
    session.commit()
    return person
