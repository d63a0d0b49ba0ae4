"""Recording audit events. Callers add the event to the same transaction as the change
it describes, so an event exists exactly when the change does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from lms.accounts.models import Person
from lms.audit.models import AuditEvent
from lms.db import session

ACTIONS = (
    "assign",
    "revoke_certificate",
    "invite_candidate",
    "hire_candidate",
    "erase_person",
    "create_token",
    "revoke_token",
    "create_person",
    "update_person",
    "recheck_certification",
    "request_password_reset",
    "reset_password",
    "import_people",
    "send_reminder",
)


@dataclass(frozen=True)
class ApiActor:
    """An integration acting through an API token: no person, so its events name the
    token (``lms.api.auth.current_actor`` builds it for the request)."""

    token_id: int
    label: str


def person_of(actor: Person | ApiActor | None) -> Person | None:
    """The person behind an actor, if it is one (an API token or the system is not)."""
    return actor if isinstance(actor, Person) else None


def record(
    action: str,
    *,
    actor: Person | ApiActor | None,
    target_type: str | None = None,
    target_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits with its change).

    The actor is the person acting, the API token an integration used (``ApiActor``,
    marked ``via: api`` in the details), or None for the system.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if isinstance(actor, ApiActor):
        label = actor.label
        details = {**details, "via": "api", "token_id": actor.token_id}
    else:
        label = f"{actor.name} <{actor.email}>" if actor else "system"
    person = person_of(actor)
    event = AuditEvent(
        actor_id=person.id if person else None,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    session.add(event)
    return event


# --- reading the log (admins only; nothing here writes) ---------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page and its CSV export filter on (every part optional).

    ``since`` and ``until`` are UTC calendar days, both inclusive; ``actor`` matches
    part of the actor's e-mail address (or name), ignoring case.
    """

    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None


def events_query(f: AuditFilter) -> Select:
    """The filtered events, newest first (ties broken by id, so pages never overlap)."""
    stmt = select(AuditEvent)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.actor and f.actor.strip():
        stmt = stmt.where(
            func.lower(AuditEvent.actor_label).contains(f.actor.strip().lower(), autoescape=True)
        )
    if f.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(f.since, time.min))
    if f.until and f.until < date.max:  # the last day representable means "no end"
        stmt = stmt.where(AuditEvent.at < datetime.combine(f.until + timedelta(days=1), time.min))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def events_page(f: AuditFilter, number: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of events: LIMIT/OFFSET and a COUNT in SQL, never the whole log."""
    stmt = events_query(f)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // size))
    number = min(max(1, number), last)
    events = list(session.scalars(stmt.limit(size).offset((number - 1) * size)))
    return Page(events, number, total, size)


def iter_events(f: AuditFilter, batch: int = 500) -> Iterator[AuditEvent]:
    """Every filtered event, newest first, read in batches (for streaming exports)."""
    yield from session.scalars(events_query(f).execution_options(yield_per=batch))


CSV_HEADER = ("at", "actor", "action", "target_type", "target_id", "details")


def csv_rows(f: AuditFilter) -> Iterator[tuple]:
    """The filtered events as rows of ``CSV_HEADER`` (details as sorted JSON), streamed."""
    for e in iter_events(f):
        yield (
            utc_iso(e.at),
            e.actor_label,
            e.action,
            e.target_type,
            e.target_id,
            json.dumps(e.details or {}, sort_keys=True, ensure_ascii=False, default=str),
        )


def utc_iso(moment: datetime) -> str:
    """A stored (naive UTC) timestamp as ISO 8601 with a ``Z``: ``2027-03-01T09:30:00Z``."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def person_labels(events: list[AuditEvent]) -> dict[int, str]:
    """Current names of the people the events are about (one query), for display."""
    ids = {e.target_id for e in events if e.target_type == "person" and e.target_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())
