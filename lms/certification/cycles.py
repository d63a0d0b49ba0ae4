"""Where a learner stands with a course: the certification cycle, what it requires, and
the progress made on it.

The rules themselves (dates, renewal modes, status on a date) are pure functions in
``lms.domain.certification``; this module loads the facts and calls them.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, bindparam, select

from lms.certification.models import Assignment, CertificationPeriod
from lms.certification.progress import AttemptListed, LearnerRecords
from lms.clock import today as clock_today
from lms.courses.models import Course, CourseVersion, Module
from lms.courses.structure import modules_of, structure
from lms.courses.versions import cached_version, cached_versions
from lms.db import session
from lms.domain import certification as rules
from lms.domain.certification import CycleMode as Mode
from lms.domain.progress import CourseProgress


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

    @property
    def shown(self) -> tuple:
        """All a page shows of the cycle: its mode, status and due date, and the period's
        dates and revocation reason (pages keep parts rendered by it, ``lms.web.fragments``)."""
        p = self.period
        if p is None:
            return (self.mode, self.status, self.due_on)
        return (
            self.mode,
            self.status,
            self.due_on,
            p.valid_until,
            p.window_opens_on,
            p.revoked_on,
            p.revoked_reason,
        )


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
    earned_on = cached_version(cycle.period.version_id)
    sections = frozenset(_changed_sections(earned_on, version)) if earned_on else frozenset()
    return Requirements(changed, "refresher", draw, {scenario} if scenario else set(), sections)


def _changed_sections(old: CourseVersion, new: CourseVersion) -> list[str]:
    """``reviews.changed_sections`` from the cached structures (versions never change)."""
    before = {s.key: s.content_hash for s in structure(old).sections}
    after = {s.key: s.content_hash for s in structure(new).sections}
    changed = [k for k, h in after.items() if before.get(k) != h]
    return changed + [k for k in before if k not in after]


def _earned_hashes(version_ids: list[int]) -> dict[int, dict[str, str]]:
    """Module key -> sections hash, per version (from the cached structures)."""
    versions = cached_versions([(v, None) for v in version_ids])
    return {
        vid: {m.key: m.sections_hash for m in structure(v).modules} for vid, v in versions.items()
    }


#: Read-only copies of a period row and of an assignment row, read with a column select
#: (the learner pages: the ORM would add more per statement than the rest of reading
#: it); every field is the model's attribute of the same name, so a cycle reads either.
StoredPeriod = namedtuple("StoredPeriod", [c.key for c in CertificationPeriod.__table__.columns])
StoredAssignment = namedtuple("StoredAssignment", [c.key for c in Assignment.__table__.columns])


class Standing(NamedTuple):
    """A person's certification periods (course id -> periods in sequence order) and open
    assignments (course id -> assignment): what a cycle is read from (model instances or
    their stored copies)."""

    periods: dict[int, list[CertificationPeriod | StoredPeriod]]
    assignments: dict[int, Assignment | StoredAssignment]


def progress_for_many(
    person_id: int,
    versions: list[CourseVersion],
    today: date | None = None,
    standing: Standing | None = None,
) -> dict[int, tuple[Cycle, Requirements, CourseProgress]]:
    """Cycle, requirements and progress for several courses in a fixed number of queries
    (the home page lists every course): course id -> (cycle, requirements, progress).

    ``standing``: the person's periods and open assignments when the caller has read them
    already (the learner pages read them with the course; ``lms.learning.access``)."""
    return _progress_and_records(person_id, versions, today, standing)[0]


def _progress_and_records(
    person_id: int,
    versions: list[CourseVersion],
    today: date | None,
    standing: Standing | None,
) -> tuple[dict[int, tuple[Cycle, Requirements, CourseProgress]], LearnerRecords]:
    """:func:`progress_for_many`, and the learner's records it was counted from."""
    today = today or clock_today()
    periods, assignments = standing or _periods_and_assignments(
        person_id, [v.course_id for v in versions]
    )
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
    return out, records


def _periods_and_assignments(
    person_id: int, course_ids: list[int]
) -> tuple[dict[int, list[CertificationPeriod]], dict[int, Assignment]]:
    """The person's periods (in sequence order) and open assignment, per course id.

    One statement: each course's periods, each beside that course's open assignment (at
    most one per course) if any.
    """
    periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
    assignments: dict[int, Assignment] = {}
    if not course_ids:
        return periods, assignments
    for period, assignment in session.execute(
        _PERIODS_AND_ASSIGNMENTS, {"person": person_id, "courses": course_ids}
    ):
        if period is not None:
            periods[period.course_id].append(period)
        if assignment is not None:
            assignments[assignment.course_id] = assignment
    return periods, assignments


_cp, _a = CertificationPeriod, Assignment
#: Each course's periods of the person, each beside the course's open assignment if any.
_PERIODS_AND_ASSIGNMENTS = (
    select(_cp, _a)
    .select_from(Course)
    .outerjoin(_cp, and_(_cp.course_id == Course.id, _cp.person_id == bindparam("person")))
    .outerjoin(
        _a,
        and_(
            _a.course_id == Course.id, _a.person_id == bindparam("person"), _a.closed_on.is_(None)
        ),
    )
    .where(Course.id.in_(bindparam("courses", expanding=True)))
    .order_by(Course.id, _cp.sequence)
)


def progress_for(
    person_id: int,
    version: CourseVersion,
    today: date | None = None,
    standing: Standing | None = None,
) -> tuple[Cycle, Requirements, CourseProgress]:
    """The learner's cycle, what it requires, and their progress on it."""
    return progress_for_many(person_id, [version], today, standing)[version.course_id]


def progress_and_attempts_for(
    person_id: int, version: CourseVersion, standing: Standing | None = None
) -> tuple[Cycle, Requirements, CourseProgress, list[AttemptListed]]:
    """:func:`progress_for` and the learner's attempts of the assessment the cycle asks
    for (final or refresher; submitted and open, in no order), read in the same
    statement as the progress: what the assessment page shows."""
    out, records = _progress_and_records(person_id, [version], None, standing)
    cycle, needs, progress = out[version.course_id]
    return cycle, needs, progress, records.listed[(version.course_id, needs.kind)]
