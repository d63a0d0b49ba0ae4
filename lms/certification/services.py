"""Certification: the learner's cycle, completing requirements, periods, reviews.

The rules themselves (dates, renewal modes, status on a date) are pure functions in
``lms.domain.certification``; this module loads facts, calls them and stores results.
"""

from __future__ import annotations

import base64
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, select, update

from lms import signals
from lms.accounts.models import Person
from lms.certification.models import Assignment, CertificationPeriod, ReviewTask
from lms.certification.progress import LearnerRecords
from lms.clock import today as clock_today
from lms.courses.models import Course, CourseVersion, Module, PolicySection
from lms.courses.structure import modules_of
from lms.db import session, utcnow
from lms.domain import certification as rules
from lms.domain.certification import CycleMode as Mode
from lms.domain.progress import CourseProgress
from lms.once import insert_ignoring_duplicates
from lms.xapi import events as xapi


@dataclass(frozen=True)
class Cycle:
    """Where a learner stands with a course today.

    ``mode`` says what the learner has to do (see :class:`CycleMode`). Progress before
    ``since`` does not count.
    """

    mode: Mode
    status: str
    since: datetime | None
    period: CertificationPeriod | None
    assignment: Assignment | None
    # The sequence a new period would take, as seen when the cycle was read: two racing
    # completions both claim it and the unique constraint lets only one through.
    next_sequence: int = 1

    @property
    def learning(self) -> bool:
        return self.mode != Mode.CERTIFIED

    @property
    def due_on(self) -> date | None:
        """The open assignment's due date, when it belongs to this cycle.

        After a certificate lapses (``retake``), a due date that had already passed before
        the lapse is the old deadline the lapsed certificate met: showing it would read
        as an overdue task from the past. The expiry or revocation date says it instead.
        """
        a = self.assignment
        if a is None or a.due_on is None:
            return None
        if self.mode == "retake" and self.since is not None and a.due_on < self.since.date():
            return None
        return a.due_on


def local_date(moment: datetime) -> date:
    """The organisation's calendar date of a naive-UTC timestamp."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the organisation's zone, as naive UTC."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def rules_for(version: CourseVersion) -> rules.CertificationRules:
    return version.course_settings.rules


def period_facts(p: CertificationPeriod) -> rules.PeriodFacts:
    return rules.PeriodFacts(p.certified_on, p.valid_until, p.window_opens_on, p.revoked_on)


def periods_of(person_id: int, course_id: int) -> list[CertificationPeriod]:
    return list(
        session.scalars(
            select(CertificationPeriod)
            .where(
                CertificationPeriod.person_id == person_id,
                CertificationPeriod.course_id == course_id,
            )
            .order_by(CertificationPeriod.sequence)
        )
    )


def current_assignment(person_id: int, course_id: int) -> Assignment | None:
    """The person's open assignment of the course (at most one: a unique index), or None."""
    return session.scalar(
        select(Assignment).where(
            Assignment.person_id == person_id,
            Assignment.course_id == course_id,
            Assignment.closed_on.is_(None),
        )
    )


def cycle_from(
    periods: list[CertificationPeriod],
    assignment: Assignment | None,
    today: date,
    started: bool = False,
) -> Cycle:
    """The cycle from already-loaded rows (pure apart from the day boundary).

    ``assignment`` is the open assignment; ``started`` whether the learner has any
    recorded activity on the course (``LearnerRecords.started``), as the reports' SQL
    counts it, so that every page derives the same status from ``rules.status_on``.
    """
    facts = [period_facts(p) for p in periods]
    latest_fact = rules.latest_period(today, facts)
    latest = periods[facts.index(latest_fact)] if latest_fact else None
    a_facts = (
        rules.AssignmentFacts(assignment.assigned_on, assignment.due_on, started)
        if assignment
        else None
    )
    status = rules.status_on(today, facts, a_facts)
    nxt = max((p.sequence for p in periods), default=0) + 1
    if latest is None:
        return Cycle(Mode.INITIAL, status, None, None, assignment, nxt)
    if latest.revoked_on and latest.revoked_on <= today:
        return Cycle(Mode.RETAKE, status, start_of_day(latest.revoked_on), latest, assignment, nxt)
    if today > latest.valid_until:
        return Cycle(
            Mode.RETAKE,
            status,
            start_of_day(latest.valid_until + timedelta(days=1)),
            latest,
            assignment,
            nxt,
        )
    if today >= latest.window_opens_on:
        return Cycle(
            Mode.REFRESHER, status, start_of_day(latest.window_opens_on), latest, assignment, nxt
        )
    return Cycle(Mode.CERTIFIED, status, start_of_day(latest.certified_on), latest, assignment, nxt)


def cycle_for(person_id: int, version: CourseVersion, today: date | None = None) -> Cycle:
    """The cycle alone (its mode and period); pages use ``progress_for``, whose status
    also knows whether the learner has started."""
    return cycle_from(
        periods_of(person_id, version.course_id),
        current_assignment(person_id, version.course_id),
        today or clock_today(),
    )


@dataclass(frozen=True)
class Requirements:
    """What the learner must do in this cycle."""

    modules: list[Module]
    kind: str  # final | refresher
    draw: int
    scenario_keys: set[str] | None  # None: every required scenario of the course
    #: Refresher: policy sections changed since the version the certificate was earned on.
    changed_sections: frozenset[str] = frozenset()

    @property
    def covered_sections(self) -> frozenset[str]:
        """Sections the learner meets again in the modules this cycle asks for."""
        return frozenset(k for m in self.modules for k in m.section_keys)


def requirements(
    version: CourseVersion,
    cycle: Cycle,
    modules: list[Module] | None = None,
    earned: dict[str, str] | None = None,
) -> Requirements:
    """What ``cycle`` asks of the learner on ``version``; ``earned`` maps module keys to
    section hashes of the version the current certificate was earned on (refresher)."""
    modules = modules if modules is not None else modules_of(version)
    settings = version.course_settings
    if cycle.mode != Mode.REFRESHER:
        return Requirements(modules, "final", settings.assessment.draw, None)
    refresher = settings.refresher
    if refresher.all_modules:
        changed = modules
    else:
        if earned is None:
            earned = _earned_hashes([cycle.period.version_id])[cycle.period.version_id]
        changed = [m for m in modules if earned.get(m.key) != m.sections_hash]
    draw = settings.refresher_draw
    scenario = refresher.scenario
    earned_on = session.get(CourseVersion, cycle.period.version_id)
    sections = frozenset(changed_sections(earned_on, version)) if earned_on else frozenset()
    return Requirements(changed, "refresher", draw, {scenario} if scenario else set(), sections)


def _earned_hashes(version_ids: list[int]) -> dict[int, dict[str, str]]:
    """Module key -> sections hash, per version (one query)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    if version_ids:
        for version_id, key, sections_hash in session.execute(
            select(Module.version_id, Module.key, Module.sections_hash).where(
                Module.version_id.in_(version_ids)
            )
        ):
            out[version_id][key] = sections_hash
    return out


def progress_for_many(
    person_id: int, versions: list[CourseVersion], today: date | None = None
) -> dict[int, tuple[Cycle, Requirements, CourseProgress]]:
    """Cycle, requirements and progress for several courses in a fixed number of queries
    (the home page lists every course): course id -> (cycle, requirements, progress)."""
    today = today or clock_today()
    course_ids = [v.course_id for v in versions]
    periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
    assignments: dict[int, Assignment] = {}
    if course_ids:
        # Periods and the open assignment (at most one per course) in one statement: each
        # course's periods, each beside that course's open assignment if any.
        cp, a = CertificationPeriod, Assignment
        for period, assignment in session.execute(
            select(cp, a)
            .select_from(Course)
            .outerjoin(cp, and_(cp.course_id == Course.id, cp.person_id == person_id))
            .outerjoin(
                a, and_(a.course_id == Course.id, a.person_id == person_id, a.closed_on.is_(None))
            )
            .where(Course.id.in_(course_ids))
            .order_by(Course.id, cp.sequence)
        ):
            if period is not None:
                periods[period.course_id].append(period)
            if assignment is not None:
                assignments[assignment.course_id] = assignment
    records = LearnerRecords.load(person_id, versions)
    cycles = {
        v.course_id: cycle_from(
            periods[v.course_id],
            assignments.get(v.course_id),
            today,
            started=v.course_id in records.started,
        )
        for v in versions
    }
    earned = _earned_hashes(
        [c.period.version_id for c in cycles.values() if c.mode == Mode.REFRESHER]
    )
    out = {}
    for version in versions:
        cycle = cycles[version.course_id]
        needs = requirements(
            version,
            cycle,
            records.modules[version.id],
            earned.get(cycle.period.version_id) if cycle.period else None,
        )
        out[version.course_id] = (
            cycle,
            needs,
            records.progress_on(
                version,
                since=cycle.since,
                modules=needs.modules,
                kind=needs.kind,
                scenario_keys=needs.scenario_keys,
            ),
        )
    return out


def progress_for(
    person_id: int, version: CourseVersion, today: date | None = None
) -> tuple[Cycle, Requirements, CourseProgress]:
    """The learner's cycle, what it requires, and their progress on it."""
    return progress_for_many(person_id, [version], today)[version.course_id]


def new_code() -> str:
    """An unguessable certificate code: 80 random bits in four dash-separated groups of four."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def latest_version(course_id: int) -> CourseVersion | None:
    return session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


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
    course_rules = rules_for(version)
    previous = cycle.period
    if previous is None or (previous.revoked_on and previous.revoked_on <= today):
        dates = rules.first_period(completed_on, course_rules)
    else:
        dates = rules.renewed_period(previous.valid_until, completed_on, course_rules)
    # The sequence comes from the same read as the cycle, never from a fresh MAX(): a
    # request that decided on a stale view must collide with the winner, not follow it.
    sequence = cycle.next_sequence
    person = session.get(Person, person_id)
    table = CertificationPeriod.__table__
    stmt = (
        insert_ignoring_duplicates(table, ["person_id", "course_id", "sequence"])
        .values(
            person_id=person_id,
            course_id=version.course_id,
            version_id=version.id,
            sequence=sequence,
            kind="initial" if previous is None else "renewal",
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
    period_id = session.execute(stmt).scalar()
    created = period_id is not None
    if created:
        session.execute(
            update(Assignment)
            .where(
                Assignment.person_id == person_id,
                Assignment.course_id == version.course_id,
                Assignment.closed_on.is_(None),
                Assignment.assigned_on <= dates.certified_on,
            )
            .values(closed_on=dates.certified_on, period_id=period_id)
            .execution_options(synchronize_session=False)
        )
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


# --- policy-change reviews ------------------------------------------------------------


def section_hashes(version_id: int) -> dict[str, str]:
    return dict(
        session.execute(
            select(PolicySection.key, PolicySection.content_hash).where(
                PolicySection.version_id == version_id
            )
        ).all()
    )


def changed_sections(old: CourseVersion, new: CourseVersion) -> list[str]:
    """Keys of sections added, removed or changed between two versions, in new order."""
    before, after = section_hashes(old.id), section_hashes(new.id)
    changed = [k for k, h in after.items() if before.get(k) != h]
    return changed + [k for k in before if k not in after]


def create_review_tasks(new: CourseVersion, today: date | None = None) -> int:
    """Ask everyone currently certified to review what changed (if the course says so)."""
    today = today or clock_today()
    if not new.course_settings.review_on_change:
        return 0
    old = session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == new.course_id, CourseVersion.number == new.number - 1
        )
    )
    if old is None:
        return 0
    keys = changed_sections(old, new)
    if not keys:
        return 0
    certified = session.scalars(
        select(CertificationPeriod.person_id)
        .where(
            CertificationPeriod.course_id == new.course_id,
            CertificationPeriod.certified_on <= today,
            CertificationPeriod.valid_until >= today,
            CertificationPeriod.revoked_on.is_(None),
        )
        .distinct()
    ).all()
    due = today + timedelta(days=new.course_settings.review_due_days)
    if not certified:
        return 0
    # One task per person and version (unique key): a second sync of the same version,
    # even a concurrent one, adds nothing.
    table = ReviewTask.__table__
    rows = [
        {
            "person_id": pid,
            "course_id": new.course_id,
            "from_version_id": old.id,
            "to_version_id": new.id,
            "section_keys": keys,
            "created_on": today,
            "due_on": due,
        }
        for pid in certified
    ]
    created = session.execute(
        insert_ignoring_duplicates(table, ["person_id", "to_version_id"]).returning(table.c.id),
        rows,
    ).all()
    session.commit()
    return len(created)


def acknowledge(task: ReviewTask) -> bool:
    """Record that the learner reviewed the changes; True the first time only (a double
    click or a second tab changes nothing)."""
    won = session.execute(
        update(ReviewTask)
        .where(ReviewTask.id == task.id, ReviewTask.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    session.refresh(task)
    return bool(won)


# --- assignments ------------------------------------------------------------------------


def assign(
    course_id: int,
    person_ids: list[int],
    *,
    reason: str,
    due_on: date | None,
    by: Person | None,
    today: date | None = None,
    commit: bool = True,
) -> int:
    """Assign a course to people; returns how many got a new assignment.

    People with an open assignment keep it (and its due date), people holding a valid
    certificate are skipped (see ``lms.certification.assignments`` for the plan, the
    per-person outcomes and re-assigning); concurrent identical calls assign once.
    """
    from lms.certification import assignments

    plan = assignments.plan(course_id, person_ids, reason=reason, due_on=due_on, today=today)
    return assignments.carry_out(plan, by=by, commit=commit).assigned
