"""Attempts: the evidence of every knowledge check and assessment.

An attempt stores the questions exactly as shown (order, choices, and the grading key,
which never leaves the server), the answers given and the per-question results. Once
submitted it is never changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Double, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow

KINDS = ("check", "final", "refresher")


class Attempt(Base):
    __tablename__ = "lms_attempt"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        Index("ix_lms_attempt_person_course", "person_id", "course_id", "kind"),
        # One open attempt per learner and assessment: a double click or a second tab
        # resumes the same attempt instead of drawing a new one.
        Index(
            "uq_lms_attempt_open",
            "person_id",
            "course_id",
            "kind",
            "module_key",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("lms_person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # "" for final/refresher so the open-attempt index also works where NULLs are distinct.
    module_key: Mapped[str] = mapped_column(String(100), default="")
    seed: Mapped[str] = mapped_column(String(64))
    pass_mark: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Double on every SQLAlchemy (2.0 maps a bare float to Float) and as migration 0002 made it
    score: Mapped[float | None] = mapped_column(Double)
    passed: Mapped[bool | None]
    # The language of the page the attempt was answered on (``lms.i18n``), for the record
    # only: grading and reports never depend on it.
    locale: Mapped[str | None] = mapped_column(String(16))
