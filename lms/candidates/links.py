"""Invitation links: the token signed with the app's secret key (salt ``lms-invite``),
the SHA-256 the database keeps instead of it, their maximum age, and expiring the
unused ones of a candidate."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update

from lms.accounts.models import Invite
from lms.db import session, utcnow

INVITE_SALT = "lms-invite"


def serializer() -> URLSafeTimedSerializer:
    """Signs and reads invitation tokens (their age checked against ``max_age``)."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=INVITE_SALT)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def max_age() -> timedelta:
    """How long a link works (``LMS_INVITE_MAX_AGE_DAYS``)."""
    return timedelta(days=float(current_app.config["LMS_INVITE_MAX_AGE_DAYS"]))


def expire_unused_invites(person_id: int) -> None:
    """Make every unused, unexpired link of the person expire now (a re-invite, a hire)."""
    now = utcnow()
    session.execute(
        update(Invite)
        .where(Invite.person_id == person_id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
