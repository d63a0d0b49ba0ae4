"""Scenario runs: one row per play, the path held by the server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class ScenarioRun(Base):
    """One play of a scenario. ``path`` is the list of choice indexes taken; ``steps``
    (its length) is checked on every write, so a stale page or a second tab cannot
    record a choice on a node the run has already left."""

    __tablename__ = "lms_scenario_run"
    __table_args__ = (
        Index("ix_lms_scenario_run_person", "person_id", "course_id", "scenario_key"),
        # One unfinished run per learner, scenario and version: two Start clicks resume it.
        Index(
            "uq_lms_scenario_run_open",
            "person_id",
            "course_id",
            "scenario_key",
            "version_id",
            unique=True,
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("lms_person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id"))
    scenario_key: Mapped[str] = mapped_column(String(100))
    path: Mapped[list[int]] = mapped_column(JSON, default=list)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    # The language of the page the latest choice was made on, for the record only.
    locale: Mapped[str | None] = mapped_column(String(16))
