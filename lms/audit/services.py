"""Recording audit events. Callers add the event to the same transaction as the change
it describes, so an event exists exactly when the change does."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Person
from lms.audit.models import AuditEvent
from lms.db import session

ACTIONS = (
    "assign", "revoke_certificate", "invite_candidate", "hire_candidate", "erase_person",
    "create_token", "revoke_token", "create_person", "update_person",
)


def record(action: str, *, actor: Person | None, target_type: str | None = None,
           target_id: int | None = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session (the caller commits with its change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=f"{actor.name} <{actor.email}>" if actor else "system",
        action=action, target_type=target_type, target_id=target_id, details=details,
    )
    session.add(event)
    return event
