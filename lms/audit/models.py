"""Audit events: an append-only log (the LMS never updates or deletes a row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "lms_audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL"), index=True
    )
    # Kept as text too, so the log still reads after an actor's record is erased.
    actor_label: Mapped[str] = mapped_column(String(300), default="system")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
