"""Background exports: one row per requested export, its CSV stored in chunks beside it.

The CSV lives in the database (``lms_export_chunk``), not on a disk: every app server
reads the same rows, so a download works whichever server the request reaches, with no
shared directory to mount, back up or clean up on each machine, and erasing a person or
an expired job is one ``DELETE`` (the chunks cascade).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class ExportStatus(StrEnum):
    """``pending`` (queued) -> ``running`` -> ``done`` or ``failed``."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


EXPORT_STATUSES = tuple(s.value for s in ExportStatus)


class ExportJob(Base):
    """One export a person asked for, with its progress.

    ``open_key`` (the person, the report and its filters) is set while the job is pending
    or running and cleared when it ends: the unique constraint on it is what makes a
    second click on the same export return the job already under way."""

    __tablename__ = "lms_export_job"
    __table_args__ = (
        UniqueConstraint("open_key"),
        CheckConstraint(f"status IN {EXPORT_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    report: Mapped[str] = mapped_column(String(10))  # "team" or "org"
    #: What the export is of: scope, filters, day, language, Excel flag (JSON values).
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    open_key: Mapped[str | None] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=ExportStatus.PENDING.value)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    runs: Mapped[int] = mapped_column(Integer, default=0)  # times a worker started it
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]


class ExportChunk(Base):
    """A piece of a finished (or growing) export's CSV, as the bytes a download sends."""

    __tablename__ = "lms_export_chunk"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("lms_export_job.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
