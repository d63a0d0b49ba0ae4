"""Assignments, certification periods, policy-change reviews and sent reminders.

Nothing here stores a status: status is derived on a date from periods and assignments
(``lms.domain.certification.status_on``), so it is never stale. ``StatusFacts`` keeps,
per person and course, the date-free facts that derivation reads, so reports read one
row instead of four tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow

REASONS = ("onboarding", "annual", "manual")


class Assignment(Base):
    """A course assigned to a person, with a reason and a due date.

    An assignment is *open* until the certificate it asked for is issued (``closed_on``
    and ``period_id`` are then set, in the same transaction as the period). A person has
    at most one open assignment per course: the partial unique index
    ``uq_lms_assignment_open`` makes that a fact of the database, so concurrent identical
    assignments (a double click, two API calls) leave one row. Closed rows are history.
    """

    __tablename__ = "lms_assignment"
    __table_args__ = (
        CheckConstraint(f"reason IN {REASONS!r}", name="reason"),
        Index("ix_lms_assignment_person_course", "person_id", "course_id"),
        Index(
            "uq_lms_assignment_open",
            "person_id",
            "course_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("lms_person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    assigned_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The period that fulfilled it; NULL on a closed row means it was superseded (by the
    # 0007 clean-up of duplicates made before the unique index existed).
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_certification_period.id", ondelete="SET NULL")
    )


class CertificationPeriod(Base):
    """One certification cycle: earned on a version, valid through ``valid_until``.

    ``sequence`` numbers a person's periods for a course; its unique constraint makes two
    simultaneous completions create exactly one period. ``details`` freezes what the
    certificate shows (name, course title, version) at issue.
    """

    __tablename__ = "lms_certification_period"
    __table_args__ = (UniqueConstraint("person_id", "course_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # initial | renewal
    certified_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    window_opens_on: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewTask(Base):
    """Read what changed in the policy and acknowledge it (certificate stays valid)."""

    __tablename__ = "lms_review_task"
    __table_args__ = (UniqueConstraint("person_id", "to_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    from_version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id"))
    section_keys: Mapped[list[str]] = mapped_column(JSON)
    created_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None]


class ReminderSent(Base):
    """A reminder claimed before it is sent: the unique key makes each one go out once,
    even when two ``send-reminders`` runs overlap."""

    __tablename__ = "lms_reminder_sent"
    __table_args__ = (UniqueConstraint("person_id", "course_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyAcknowledgement(Base):
    """A learner's signed statement that they read and accept one text of the policy.

    Keyed by the policy's content (``policy_hash``, see ``CourseVersion.policy_hash``), not
    the version: a course version that changes only questions keeps the acknowledgement,
    a changed policy text asks for a new one. The unique key makes a double submit one row.
    """

    __tablename__ = "lms_policy_acknowledgement"
    __table_args__ = (UniqueConstraint("person_id", "course_id", "policy_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id", ondelete="CASCADE"))
    policy_hash: Mapped[str] = mapped_column(String(64))
    typed_name: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusFacts(Base):
    """What a (person, course) status is worked out from, except the date: the latest
    certification period's dates (by ``sequence``), the open assignment, and whether any
    learner record (read mark, attempt, scenario run) exists.

    Written only by ``lms.certification.status_facts``, in the transaction of every write
    that changes one of those (an assignment, a period, a revocation, a learner record).
    A report on a day works the status out from this row with the same CASE as from the
    source tables (``status_table``); ``flask lms check-statuses`` compares the two and
    repairs any difference. No row means nothing was ever recorded: not assigned. Ids are
    plain integers, not foreign keys: a row is replaced, never followed.
    """

    __tablename__ = "lms_status_facts"
    __table_args__ = (Index("ix_lms_status_facts_certified_on", "certified_on"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    certified_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    window_opens_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    version_id: Mapped[int | None] = mapped_column(Integer)
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(20))
    started: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class StatusRollup(Base):
    """Counts of the organisation's reported people per course, direct manager,
    department and status on one day (``StatusRollupDay``), so the organisation report
    reads a few hundred rows instead of one per person and course.

    PostgreSQL only (``lms.certification.rollup``). Rows are only ever added: the daily
    run writes one row per group, then triggers on the facts, people and courses add a
    row of +1/-1 per status move in the writing transaction, so concurrent writers never
    wait on a shared counter. A group's count is the sum of its rows; the daily run folds
    them back to one row per group.
    """

    __tablename__ = "lms_status_rollup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    people: Mapped[int] = mapped_column(Integer)


class StatusRollupDay(Base):
    """The one row saying which day ``StatusRollup`` counts the statuses of (NULL: not
    built). Writers' triggers share-lock it; the daily rebuild locks it for update, so a
    rebuild never misses a write that is in flight."""

    __tablename__ = "lms_status_rollup_day"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date | None] = mapped_column(Date)
