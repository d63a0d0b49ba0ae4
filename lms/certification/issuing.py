"""Issuing certification periods: when a learner's cycle is complete, the next period,
inserted once whatever runs at the same time, and announced after its commit."""

from __future__ import annotations

import base64
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from lms import signals
from lms.accounts.models import Person
from lms.certification import status_facts
from lms.certification.cycles import Cycle, local_date, progress_for, rules_for
from lms.certification.models import Assignment, CertificationPeriod
from lms.clock import today as clock_today
from lms.courses.models import CourseVersion
from lms.courses.services import latest_version
from lms.db import session, utcnow
from lms.domain import certification as rules
from lms.domain.certification import CycleMode as Mode
from lms.once import insert_ignoring_duplicates
from lms.xapi import events as xapi


def new_code() -> str:
    """An unguessable certificate code: 80 random bits in four dash-separated groups of four."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def certify_if_complete(
    person_id: int, course_id: int, today: date | None = None, *, backdate: bool = False
) -> CertificationPeriod | None:
    """Issue the next period if every requirement of the learner's cycle is met.

    Runs in the caller's transaction and does not commit: the write that completes the
    last requirement (a graded attempt, a finished scenario run) and the period it earns
    are committed together, or neither is. Returns the period this call inserted (the
    caller announces it with ``announce_issued`` after committing), or None: nothing
    due, or a concurrent transaction issued it first. With ``backdate`` (the repair
    run) the period is dated on the day the last requirement was met, not today.
    """
    # One learner's completions are decided one at a time: without the lock, a final
    # assessment and the last scenario finished at the same moment would each miss the
    # other's uncommitted write and neither would certify. The second waits here, then
    # reads the first's committed rows (PostgreSQL; SQLite serialises writers anyway).
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    version = latest_version(course_id)
    cycle, _needs, progress = progress_for(person_id, version, today)
    if cycle.mode == Mode.CERTIFIED or not progress.complete:
        return None
    completed_on = local_date(progress.completed_at) if backdate and progress.completed_at else None
    period, created = insert_period(person_id, version, cycle, today, completed_on=completed_on)
    return period if created else None


def on_requirement_met(person_id: int, course_id: int) -> CertificationPeriod | None:
    """Certify if all is done, in a transaction of its own (committed, then announced)."""
    period = certify_if_complete(person_id, course_id)
    session.commit()
    if period is not None:
        announce_issued(period)
    return period


def announce_issued(period: CertificationPeriod) -> None:
    """Send ``certificate_issued`` for a committed period."""
    signals.certificate_issued.send(current_app._get_current_object(), period=period)


def issue_period(
    person_id: int, version: CourseVersion, cycle: Cycle, today: date | None = None
) -> CertificationPeriod:
    """Create the next period in a transaction of its own, committed and announced; a
    concurrent duplicate is skipped and the winner's period returned."""
    period, created = insert_period(person_id, version, cycle, today)
    session.commit()
    if created:
        announce_issued(period)
    return period


def insert_period(
    person_id: int,
    version: CourseVersion,
    cycle: Cycle,
    today: date | None = None,
    *,
    completed_on: date | None = None,
) -> tuple[CertificationPeriod, bool]:
    """Insert the next certification period and close the open assignment it fulfils,
    in the caller's transaction (no commit). The period is earned on ``completed_on``
    (default: today).

    Returns ``(period, created)``. The insert skips a row whose (person, course,
    sequence) already exists, so of two simultaneous completions exactly one creates the
    period; the other gets the winner's period and ``created`` False.
    """
    today = today or clock_today()
    completed_on = min(completed_on or today, today)
    previous = cycle.period
    dates = _next_dates(previous, rules_for(version), completed_on, today)
    # The sequence comes from the same read as the cycle, never from a fresh MAX(): a
    # request that decided on a stale view must collide with the winner, not follow it.
    sequence = cycle.next_sequence
    period_id = _insert_row(person_id, version, sequence, previous is None, dates)
    created = period_id is not None
    if created:
        _close_fulfilled_assignment(person_id, version.course_id, dates.certified_on, period_id)
        status_facts.refresh(version.course_id, [person_id])
        period = session.get(CertificationPeriod, period_id)
        xapi.certificate_earned(period)
    else:
        period = session.scalar(
            select(CertificationPeriod).where(
                CertificationPeriod.person_id == person_id,
                CertificationPeriod.course_id == version.course_id,
                CertificationPeriod.sequence == sequence,
            )
        )
    return period, created


def _insert_row(
    person_id: int, version: CourseVersion, sequence: int, first: bool, dates: rules.PeriodDates
) -> int | None:
    """Insert the period unless its (person, course, sequence) exists; its id, or None."""
    person = session.get(Person, person_id)
    table = CertificationPeriod.__table__
    stmt = (
        insert_ignoring_duplicates(table, ["person_id", "course_id", "sequence"])
        .values(
            person_id=person_id,
            course_id=version.course_id,
            version_id=version.id,
            sequence=sequence,
            kind="initial" if first else "renewal",
            certified_on=dates.certified_on,
            valid_until=dates.valid_until,
            window_opens_on=dates.window_opens_on,
            code=new_code(),
            created_at=utcnow(),
            details={
                "person_name": person.name,
                "course_title": version.title,
                "version_label": version.label,
                "version_number": version.number,
            },
        )
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar()


def _next_dates(
    previous: CertificationPeriod | None,
    course_rules: rules.CertificationRules,
    completed_on: date,
    today: date,
) -> rules.PeriodDates:
    """A first period after none (or a revoked one), else the renewal of ``previous``."""
    if previous is None or (previous.revoked_on and previous.revoked_on <= today):
        return rules.first_period(completed_on, course_rules)
    return rules.renewed_period(previous.valid_until, completed_on, course_rules)


def _close_fulfilled_assignment(
    person_id: int, course_id: int, certified_on: date, period_id: int
) -> None:
    """Close the open assignment the new period fulfils (one assigned by that day)."""
    session.execute(
        update(Assignment)
        .where(
            Assignment.person_id == person_id,
            Assignment.course_id == course_id,
            Assignment.closed_on.is_(None),
            Assignment.assigned_on <= certified_on,
        )
        .values(closed_on=certified_on, period_id=period_id)
        .execution_options(synchronize_session=False)
    )
