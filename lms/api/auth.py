"""Bearer tokens for the API.

An admin creates a token with ``flask lms create-token NAME``; the plaintext
(``lms_`` + 43 URL-safe characters, 256 random bits) is printed once and never stored:
the database keeps its SHA-256 and its first 8 characters (to recognise it in lists).

A token acts as an **admin-level integration**: it reads every person and every
completion in the organisation and may create people, update them and assign courses.
It is not a person and never signs anyone in; the audit trail names the token for
whatever it changes. Session cookies are never accepted by the API, so a browser
signed in to the LMS cannot call it (and cross-site requests cannot ride on a session).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import g, request
from sqlalchemy import or_, select, update

from lms.accounts.models import Person
from lms.api.errors import Unauthorized
from lms.api.models import ApiToken
from lms.audit.services import ApiActor, record
from lms.db import session, utcnow

TOKEN_PREFIX = "lms_"
PREFIX_LENGTH = 8
MAX_NAME_LENGTH = 120
#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 200


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(name: str, by: Person | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plaintext, which is not kept anywhere."""
    name = (name or "").strip()
    if not name:
        raise ValueError("a token needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a token name has at most {MAX_NAME_LENGTH} characters")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
        created_by_id=by.id if by else None,
    )
    session.add(token)
    session.flush()
    record(
        "create_token",
        actor=by,
        target_type="api_token",
        target_id=token.id,
        name=name,
        prefix=token.prefix,
    )
    session.commit()
    return token, plaintext


def revoke_token(token_id: int, by: Person | None = None) -> ApiToken:
    """Revoke a token (kept for the record); raises LookupError if there is none.

    Revoking a revoked token changes nothing and records nothing.
    """
    token = session.get(ApiToken, token_id)
    if token is None:
        raise LookupError(f"no API token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            "revoke_token",
            actor=by,
            target_type="api_token",
            target_id=token.id,
            name=token.name,
            prefix=token.prefix,
        )
        session.commit()
    return token


def list_tokens() -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("use an Authorization: Bearer token")
    return credentials.strip()


def find_token(plaintext: str) -> ApiToken | None:
    """The live token with this plaintext, or None.

    Lookup is by the SHA-256 of the presented value: the database index never sees the
    secret, and timing reveals nothing useful about a hash of 256 random bits. The hash
    is compared again in constant time before the row is trusted.
    """
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > _MAX_TOKEN_LENGTH:
        return None
    try:
        digest = hash_token(plaintext)
    except UnicodeEncodeError:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None:
        return None
    return token


def _touch(token: ApiToken, now: datetime) -> None:
    """Record use, at most once per ``LAST_USED_RESOLUTION`` (one guarded UPDATE)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(
                ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_RESOLUTION
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def token_from_request() -> ApiToken:
    """The request's token, or raise a 401 (JSON, with ``WWW-Authenticate: Bearer``).

    Only the ``Authorization`` header counts; cookies and query strings never do.
    """
    plaintext = _bearer()
    if not plaintext:
        raise Unauthorized("an API token is required (Authorization: Bearer <token>)")
    token = find_token(plaintext)
    if token is None:
        raise Unauthorized("the API token is invalid or revoked", invalid=True)
    g.lms_api_actor = ApiActor(token.id, f"API token {token.name} ({token.prefix}...)")
    _touch(token, utcnow())
    g.lms_api_token = token
    return token


def current_token() -> ApiToken | None:
    return g.get("lms_api_token")


def current_actor() -> ApiActor:
    """Who the audit log names for this request's writes: the token that authorised it."""
    return g.lms_api_actor
