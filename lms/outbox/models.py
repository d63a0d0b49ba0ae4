"""The outbox table: one row per job to deliver (e-mails, xAPI statements and
background exports), written in the transaction that caused it.

A row's life: ``pending`` (due at ``next_attempt_at``; a worker holding it has set
``locked_by``/``locked_until``, its lease) -> ``done``, or back to ``pending`` with a
later ``next_attempt_at`` after a failure, or ``dead`` once the attempts run out (kept
for an operator: ``flask lms send-mail --retry-dead`` puts it back).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class Status(StrEnum):
    """Where an outbox row is in its life."""

    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


STATUSES = tuple(s.value for s in Status)


class OutboxJob(Base):
    """One job of a registered ``kind``; ``(kind, key)`` is unique, so queuing the same
    event twice keeps the first row. ``person_id`` names the person whose data the payload
    holds, so erasing them can drop what is still queued."""

    __tablename__ = "lms_outbox"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # What a worker's claim scans: the pending rows by due time.
        Index(
            "ix_lms_outbox_due",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=Status.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_by: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
