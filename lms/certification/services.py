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
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts.models import Person
from lms.audit.services import record
from lms.certification.models import Assignment, CertificationPeriod, ReviewTask
from lms.clock import today as clock_today
from lms.courses.models import CourseVersion, Module, PolicySection
from lms.courses.progress import LearnerRecords, modules_of
from lms.db import session
from lms.domain import certification as rules
from lms.domain.progress import CourseProgress


@dataclass(frozen=True)
class Cycle:
    """Where a learner stands with a course today.

    ``mode``: ``initial`` (never certified), ``certified`` (nothing to do),
    ``refresher`` (window open: the short refresher renews), ``retake`` (expired or
    revoked: the full course again). Progress before ``since`` does not count.
    """

    mode: str
    status: str
    since: datetime | None
    period: CertificationPeriod | None
    assignment: Assignment | None
    # The sequence a new period would take, as seen when the cycle was read: two racing
    # completions both claim it and the unique constraint lets only one through.
    next_sequence: int = 1

    @property
    def learning(self) -> bool:
        return self.mode != "certified"


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the organisation's zone, as naive UTC."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def rules_for(version: CourseVersion) -> rules.CertificationRules:
    return rules.rules_from(version.settings.get("certification") or {})


def period_facts(p: CertificationPeriod) -> rules.PeriodFacts:
    return rules.PeriodFacts(p.certified_on, p.valid_until, p.window_opens_on, p.revoked_on)


def periods_of(person_id: int, course_id: int) -> list[CertificationPeriod]:
    return list(session.scalars(select(CertificationPeriod).where(
        CertificationPeriod.person_id == person_id, CertificationPeriod.course_id == course_id)
        .order_by(CertificationPeriod.sequence)))


def current_assignment(person_id: int, course_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(
        Assignment.person_id == person_id, Assignment.course_id == course_id)
        .order_by(Assignment.assigned_on.desc(), Assignment.id.desc()).limit(1))


def cycle_from(periods: list[CertificationPeriod], assignment: Assignment | None, today: date,
               started: bool = False) -> Cycle:
    """The cycle from already-loaded rows (pure apart from the day boundary)."""
    facts = [period_facts(p) for p in periods]
    latest_fact = rules.latest_period(today, facts)
    latest = periods[facts.index(latest_fact)] if latest_fact else None
    a_facts = (rules.AssignmentFacts(assignment.assigned_on, assignment.due_on, started)
               if assignment else None)
    status = rules.status_on(today, facts, a_facts)
    nxt = max((p.sequence for p in periods), default=0) + 1
    if latest is None:
        return Cycle("initial", status, None, None, assignment, nxt)
    if latest.revoked_on and latest.revoked_on <= today:
        return Cycle("retake", status, start_of_day(latest.revoked_on), latest, assignment, nxt)
    if today > latest.valid_until:
        return Cycle("retake", status, start_of_day(latest.valid_until + timedelta(days=1)), latest,
                     assignment, nxt)
    if today >= latest.window_opens_on:
        return Cycle("refresher", status, start_of_day(latest.window_opens_on), latest, assignment, nxt)
    return Cycle("certified", status, start_of_day(latest.certified_on), latest, assignment, nxt)


def cycle_for(person_id: int, version: CourseVersion, today: date | None = None) -> Cycle:
    return cycle_from(periods_of(person_id, version.course_id),
                      current_assignment(person_id, version.course_id), today or clock_today())


@dataclass(frozen=True)
class Requirements:
    """What the learner must do in this cycle."""

    modules: list[Module]
    kind: str  # final | refresher
    draw: int
    scenario_keys: set[str] | None  # None: every required scenario of the course


def requirements(version: CourseVersion, cycle: Cycle, modules: list[Module] | None = None,
                 earned: dict[str, str] | None = None) -> Requirements:
    """What ``cycle`` asks of the learner on ``version``; ``earned`` maps module keys to
    section hashes of the version the current certificate was earned on (refresher)."""
    modules = modules if modules is not None else modules_of(version)
    settings = version.settings
    if cycle.mode != "refresher":
        return Requirements(modules, "final", settings["assessment"]["draw"], None)
    refresher = (settings.get("certification") or {}).get("refresher") or {}
    if refresher.get("all_modules"):
        changed = modules
    else:
        if earned is None:
            earned = _earned_hashes([cycle.period.version_id])[cycle.period.version_id]
        changed = [m for m in modules if earned.get(m.key) != m.sections_hash]
    draw = refresher.get("draw") or max(1, settings["assessment"]["draw"] // 2)
    scenario = refresher.get("scenario")
    return Requirements(changed, "refresher", draw, {scenario} if scenario else set())


def _earned_hashes(version_ids: list[int]) -> dict[int, dict[str, str]]:
    """Module key -> sections hash, per version (one query)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    if version_ids:
        for version_id, key, sections_hash in session.execute(
                select(Module.version_id, Module.key, Module.sections_hash)
                .where(Module.version_id.in_(version_ids))):
            out[version_id][key] = sections_hash
    return out


def progress_for_many(person_id: int, versions: list[CourseVersion], today: date | None = None
                      ) -> dict[int, tuple[Cycle, Requirements, CourseProgress]]:
    """Cycle, requirements and progress for several courses in a fixed number of queries
    (the home page lists every course): course id -> (cycle, requirements, progress)."""
    today = today or clock_today()
    course_ids = [v.course_id for v in versions]
    periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
    assignments: dict[int, Assignment] = {}
    if course_ids:
        for p in session.scalars(select(CertificationPeriod).where(
                CertificationPeriod.person_id == person_id, CertificationPeriod.course_id.in_(course_ids))
                .order_by(CertificationPeriod.sequence)):
            periods[p.course_id].append(p)
        for a in session.scalars(select(Assignment).where(
                Assignment.person_id == person_id, Assignment.course_id.in_(course_ids))
                .order_by(Assignment.assigned_on, Assignment.id)):
            assignments[a.course_id] = a  # the latest wins
    cycles = {v.course_id: cycle_from(periods[v.course_id], assignments.get(v.course_id), today)
              for v in versions}
    earned = _earned_hashes([c.period.version_id for c in cycles.values() if c.mode == "refresher"])
    records = LearnerRecords.load(person_id, versions)
    out = {}
    for version in versions:
        cycle = cycles[version.course_id]
        needs = requirements(version, cycle, records.modules[version.id],
                             earned.get(cycle.period.version_id) if cycle.period else None)
        out[version.course_id] = (cycle, needs, records.progress_on(
            version, since=cycle.since, modules=needs.modules, kind=needs.kind,
            scenario_keys=needs.scenario_keys))
    return out


def progress_for(person_id: int, version: CourseVersion, today: date | None = None
                 ) -> tuple[Cycle, Requirements, CourseProgress]:
    """The learner's cycle, what it requires, and their progress on it."""
    return progress_for_many(person_id, [version], today)[version.course_id]


def new_code() -> str:
    """An unguessable certificate code: 80 random bits in four dash-separated groups of four."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def on_requirement_met(person_id: int, course_id: int) -> CertificationPeriod | None:
    """Called after a passed assessment, check or scenario: certify if all is done."""
    version = session.scalar(select(CourseVersion).where(CourseVersion.course_id == course_id)
                             .order_by(CourseVersion.number.desc()).limit(1))
    cycle, _needs, progress = progress_for(person_id, version)
    if cycle.mode == "certified" or not progress.complete:
        return None
    return issue_period(person_id, version, cycle)


def issue_period(person_id: int, version: CourseVersion, cycle: Cycle, today: date | None = None
                 ) -> CertificationPeriod:
    """Create the next certification period; a concurrent duplicate is refused by the
    (person, course, sequence) unique constraint and the winner's period returned."""
    today = today or clock_today()
    course_rules = rules_for(version)
    previous = cycle.period
    if previous is None or (previous.revoked_on and previous.revoked_on <= today):
        dates = rules.first_period(today, course_rules)
    else:
        dates = rules.renewed_period(previous.valid_until, today, course_rules)
    # The sequence comes from the same read as the cycle, never from a fresh MAX(): a
    # request that decided on a stale view must collide with the winner, not follow it.
    sequence = cycle.next_sequence
    person = session.get(Person, person_id)
    period = CertificationPeriod(
        person_id=person_id, course_id=version.course_id, version_id=version.id, sequence=sequence,
        kind="initial" if previous is None else "renewal",
        certified_on=dates.certified_on, valid_until=dates.valid_until,
        window_opens_on=dates.window_opens_on, code=new_code(),
        details={"person_name": person.name, "course_title": version.title,
                 "version_label": version.label, "version_number": version.number},
    )
    session.add(period)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return session.scalar(select(CertificationPeriod).where(
            CertificationPeriod.person_id == person_id,
            CertificationPeriod.course_id == version.course_id,
            CertificationPeriod.sequence == sequence))
    signals.certificate_issued.send(current_app._get_current_object(), period=period)
    return period


def revoke(period: CertificationPeriod, *, reason: str, by: Person, today: date | None = None) -> None:
    """Revoke a period (history is kept: the row is marked, never deleted)."""
    if not reason.strip():
        raise ValueError("a reason is required to revoke a certificate")
    if period.revoked_on is None:
        period.revoked_on = today or clock_today()
        period.revoked_reason = reason.strip()
        period.revoked_by_id = by.id
        record("revoke_certificate", actor=by, target_type="certification_period", target_id=period.id,
               person_id=period.person_id, reason=reason.strip())
        session.commit()
        signals.certificate_revoked.send(current_app._get_current_object(), period=period, reason=reason)


def verification_status(period: CertificationPeriod, today: date | None = None) -> str:
    """valid | renewal_due | expired | revoked, for the public verification page."""
    status = rules.status_on(today or clock_today(), [period_facts(period)], None)
    return {"certified": "valid"}.get(status, status)


# --- policy-change reviews ------------------------------------------------------------

def section_hashes(version_id: int) -> dict[str, str]:
    return dict(session.execute(select(PolicySection.key, PolicySection.content_hash)
                                .where(PolicySection.version_id == version_id)).all())


def changed_sections(old: CourseVersion, new: CourseVersion) -> list[str]:
    """Keys of sections added, removed or changed between two versions, in new order."""
    before, after = section_hashes(old.id), section_hashes(new.id)
    changed = [k for k, h in after.items() if before.get(k) != h]
    return changed + [k for k in before if k not in after]


def create_review_tasks(new: CourseVersion, today: date | None = None) -> int:
    """Ask everyone currently certified to review what changed (if the course says so)."""
    today = today or clock_today()
    if not new.settings.get("review_on_change", True):
        return 0
    old = session.scalar(select(CourseVersion).where(CourseVersion.course_id == new.course_id,
                                                     CourseVersion.number == new.number - 1))
    if old is None:
        return 0
    keys = changed_sections(old, new)
    if not keys:
        return 0
    certified = session.scalars(
        select(CertificationPeriod.person_id).where(
            CertificationPeriod.course_id == new.course_id,
            CertificationPeriod.certified_on <= today, CertificationPeriod.valid_until >= today,
            CertificationPeriod.revoked_on.is_(None),
        ).distinct()
    ).all()
    due = today + timedelta(days=new.settings.get("review_due_days") or 30)
    existing = set(session.scalars(select(ReviewTask.person_id).where(ReviewTask.to_version_id == new.id)))
    tasks = [ReviewTask(person_id=pid, course_id=new.course_id, from_version_id=old.id,
                        to_version_id=new.id, section_keys=keys, created_on=today, due_on=due)
             for pid in certified if pid not in existing]
    session.add_all(tasks)
    session.commit()
    return len(tasks)


def acknowledge(task: ReviewTask) -> None:
    from lms.db import utcnow

    if task.acknowledged_at is None:
        task.acknowledged_at = utcnow()
        session.commit()


# --- assignments ------------------------------------------------------------------------

def assign(course_id: int, person_ids: list[int], *, reason: str, due_on: date | None,
           by: Person | None, today: date | None = None, commit: bool = True) -> int:
    """Assign a course to people (one row each, audited); returns how many were assigned.

    Idempotent for the day: people who already got the same assignment today (a double
    click on Confirm, a resubmitted form) are skipped.
    """
    today = today or clock_today()
    done = set(session.scalars(select(Assignment.person_id).where(
        Assignment.course_id == course_id, Assignment.reason == reason, Assignment.assigned_on == today,
        Assignment.due_on == due_on if due_on else Assignment.due_on.is_(None),
        Assignment.person_id.in_(person_ids))))
    fresh = [pid for pid in dict.fromkeys(person_ids) if pid not in done]
    rows = [Assignment(person_id=pid, course_id=course_id, reason=reason, assigned_on=today,
                       due_on=due_on, assigned_by_id=by.id if by else None) for pid in fresh]
    session.add_all(rows)
    if rows:
        record("assign", actor=by, target_type="course", target_id=course_id, reason=reason,
               due_on=due_on.isoformat() if due_on else None, people=len(rows),
               person_ids=fresh[:1000])
    if commit:
        session.commit()
    return len(rows)
