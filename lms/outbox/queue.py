"""Putting jobs in the outbox and looking after the queue.

``enqueue`` adds its row to the caller's session and transaction and never commits:
the job exists exactly when the change that caused it is committed, and a rollback
takes both away. The ``(kind, key)`` pair is unique and the insert is
``ON CONFLICT DO NOTHING``, so the same event queued twice (two overlapping runs, a
retried request) is one job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.db import session
from lms.outbox.models import OutboxJob, Status
from lms.outbox.registry import get_handler

KEY_MAX = 200


def real_now() -> datetime:
    """Wall-clock UTC, naive like every stored timestamp. Deliberately not
    ``lms.clock.now``: a pinned ``LMS_TODAY`` in the web app must not make its jobs due
    years away for a worker that is not pinned."""
    return datetime.now(UTC).replace(tzinfo=None)


def insert_ignoring_conflict(table, values: dict[str, Any], columns: list[str]) -> bool:
    """``INSERT ... ON CONFLICT (columns) DO NOTHING`` into a model's table (or a table)
    on PostgreSQL or SQLite, in the session's transaction; True when the row was inserted.
    Python-side column defaults apply as in any Core insert."""
    dialect = session.get_bind().dialect.name
    make = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if make is None:
        raise NotImplementedError(f"the outbox supports PostgreSQL and SQLite, not {dialect}")
    table = getattr(table, "__table__", table)
    stmt = (
        make(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=columns)
        .returning(*table.primary_key.columns)
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT that returns rows.
    return session.execute(stmt).first() is not None


def enqueue(
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    person_id: int | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue a job of a registered ``kind`` in the caller's transaction (not committed).

    ``key`` names the event (``"reminder:12:3:expiry_7:period:40"``); a second job with
    the same kind and key is ignored and False is returned. ``payload`` must be JSON
    (strings, numbers, lists, dicts). ``person_id`` is the person whose data the payload
    holds (see ``forget_person``). ``not_before`` delays the first attempt.
    Raises ValueError for an unknown kind or a bad key, TypeError for a payload that is
    not JSON.
    """
    get_handler(kind)
    if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX:
        raise ValueError(f"an outbox key is 1 to {KEY_MAX} characters, not {key!r}")
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the payload of outbox job {kind}/{key} is not JSON: {exc}") from None
    now = now or real_now()
    return insert_ignoring_conflict(
        OutboxJob,
        {
            "kind": kind,
            "key": key,
            "payload": payload,
            "person_id": person_id,
            "status": Status.PENDING.value,
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
        },
        ["kind", "key"],
    )


def forget_person(person_id: int) -> int:
    """Delete the jobs still holding this person's data (pending or dead; delivered ones
    kept no payload), in the caller's transaction; returns how many. A job a worker is
    delivering at this moment may still go out."""
    result = session.execute(
        delete(OutboxJob)
        .where(OutboxJob.person_id == person_id, OutboxJob.status != Status.DONE.value)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def retry_dead(kinds: list[str] | None = None, *, now: datetime | None = None) -> int:
    """Put dead jobs back in the queue with fresh attempts (after fixing what killed
    them); the caller commits. Returns how many."""
    stmt = update(OutboxJob).where(OutboxJob.status == Status.DEAD.value)
    if kinds:
        stmt = stmt.where(OutboxJob.kind.in_(kinds))
    result = session.execute(
        stmt.values(
            status=Status.PENDING.value,
            attempts=0,
            next_attempt_at=now or real_now(),
            locked_by=None,
            locked_until=None,
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass(frozen=True)
class QueueState:
    """The queue at a glance, for the CLI and monitoring."""

    pending: int  # waiting, due now or later (retries included)
    retrying: int  # pending after at least one failed attempt
    dead: int
    done: int
    oldest_due: datetime | None  # the longest-waiting job that is due: is a worker running?
    dead_jobs: list[OutboxJob]  # the newest dead jobs, for the operator to read


def queue_state(*, now: datetime | None = None, dead_shown: int = 20) -> QueueState:
    """Counts by status, the oldest job that is due, and the newest dead jobs."""
    now = now or real_now()
    counts = dict(
        session.execute(select(OutboxJob.status, func.count()).group_by(OutboxJob.status)).all()
    )
    pending = OutboxJob.status == Status.PENDING.value
    retrying = session.scalar(select(func.count()).where(pending, OutboxJob.attempts > 0))
    oldest = session.scalar(
        select(func.min(OutboxJob.next_attempt_at)).where(pending, OutboxJob.next_attempt_at <= now)
    )
    dead_jobs = list(
        session.scalars(
            select(OutboxJob)
            .where(OutboxJob.status == Status.DEAD.value)
            .order_by(OutboxJob.next_attempt_at.desc(), OutboxJob.id.desc())
            .limit(dead_shown)
        )
    )
    return QueueState(
        pending=counts.get(Status.PENDING.value, 0),
        retrying=retrying or 0,
        dead=counts.get(Status.DEAD.value, 0),
        done=counts.get(Status.DONE.value, 0),
        oldest_due=oldest,
        dead_jobs=dead_jobs,
    )
