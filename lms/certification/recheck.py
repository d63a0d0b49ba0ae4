"""``flask lms recheck-certifications``: certify anyone complete but uncertified.

Since the certificate is issued in the transaction of the write that earns it, nobody
should ever be complete without one. This is the repair path for what happened before
that (a crash between two commits in older versions), for data loaded or edited by hand,
and as a nightly safety net: ``send-reminders`` runs it first, so nobody is reminded to
do training they have finished. It is idempotent: a second run finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.audit.services import record
from lms.certification import services as certification
from lms.certification.models import Assignment, CertificationPeriod
from lms.clock import today as clock_today
from lms.courses.models import Course
from lms.courses.services import latest_by_slug
from lms.db import session
from lms.domain.certification import CycleMode
from lms.quizzes.models import Attempt


@dataclass(frozen=True)
class Repair:
    """Someone the recheck certified (or, in a dry run, would certify)."""

    person: Person
    course: Course
    completed_on: date
    period: CertificationPeriod | None  # None in a dry run


def candidates(course_id: int, today: date) -> list[int]:
    """People who may be complete but uncertified on the course, in a fixed number of
    queries: every cycle ends with a passed assessment, so only people whose last passed
    assessment (or refresher) falls in their current, not yet certified cycle qualify."""
    last_pass = dict(
        session.execute(
            select(Attempt.person_id, func.max(Attempt.submitted_at))
            .join(Person, Person.id == Attempt.person_id)
            .where(
                Attempt.course_id == course_id,
                Attempt.kind != "check",
                Attempt.passed.is_(True),
                Person.status != "erased",
            )
            .group_by(Attempt.person_id)
        ).all()
    )
    if not last_pass:
        return []
    periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
    for p in session.scalars(
        select(CertificationPeriod)
        .where(
            CertificationPeriod.course_id == course_id,
            CertificationPeriod.person_id.in_(list(last_pass)),
        )
        .order_by(CertificationPeriod.sequence)
    ):
        periods[p.person_id].append(p)
    out = []
    for person_id, passed_at in sorted(last_pass.items()):
        cycle = certification.cycle_from(periods[person_id], None, today)
        if cycle.mode != CycleMode.CERTIFIED and _in_cycle(passed_at, cycle.since):
            out.append(person_id)
    return out


def _in_cycle(moment: datetime | None, since: datetime | None) -> bool:
    return moment is not None and (since is None or moment >= since)


def recheck_certifications(today: date | None = None, *, dry_run: bool = False) -> list[Repair]:
    """Certify everyone whose current cycle is complete but who holds no period for it.

    Each repair is its own transaction (period, closed assignment, audit event), dated
    on the day the last requirement was met. A concurrent completion or run that got
    there first is simply skipped, never doubled (the period's unique key).
    """
    today = today or clock_today()
    repairs: list[Repair] = []
    for course, version in latest_by_slug():
        for person_id in candidates(course.id, today):
            _cycle, _needs, progress = certification.progress_for(person_id, version, today)
            if not progress.complete or progress.completed_at is None:
                continue
            person = session.get(Person, person_id)
            completed_on = min(certification.local_date(progress.completed_at), today)
            if dry_run:
                repairs.append(Repair(person, course, completed_on, None))
                continue
            period = certification.certify_if_complete(person_id, course.id, today, backdate=True)
            if period is None:
                session.rollback()
                continue
            closed = session.scalar(
                select(func.count())
                .select_from(Assignment)
                .where(Assignment.period_id == period.id)
            )
            record(
                "recheck_certification",
                actor=None,
                target_type="certification_period",
                target_id=period.id,
                person_id=person_id,
                course=course.slug,
                code=period.code,
                completed_on=period.certified_on.isoformat(),
                assignments_closed=closed,
            )
            session.commit()
            certification.announce_issued(period)
            repairs.append(Repair(person, course, period.certified_on, period))
    return repairs
