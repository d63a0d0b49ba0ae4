"""What a manager's person page shows: a progress summary per course and the evidence
behind it (attempts, scenario runs, certificates, reminders) in readable words: module
titles instead of module keys, every scenario step by its situation and the choice made.

Everything is loaded in a fixed number of statements whatever the person's history (a
test counts them), so a long-serving employee's page costs the same as a new hire's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.accounts.access import may_view_person
from lms.accounts.models import STATUSES as PERSON_STATUSES
from lms.accounts.models import Person
from lms.certification import certificates
from lms.certification.models import Assignment, CertificationPeriod, ReminderSent
from lms.certification.services import progress_for_many
from lms.courses.models import CourseVersion, Module, Scenario
from lms.courses.services import latest_versions
from lms.db import session
from lms.domain.reminders import DUE_7, EXPIRED, OVERDUE, WINDOW_OPEN
from lms.quizzes.models import Attempt
from lms.reports import queries
from lms.scenarios import services as scenarios
from lms.scenarios.models import ScenarioRun

#: The reminder a manager may send for a course in each status (the learner's own
#: reminder e-mail for that situation); certified or unassigned people get none.
REMINDER_FOR_STATUS = {
    "overdue": OVERDUE,
    "assigned": DUE_7,
    "in_progress": DUE_7,
    "renewal_due": WINDOW_OPEN,
    "expired": EXPIRED,
}


@dataclass(frozen=True)
class CourseSummary:
    """One course on the person page: where the person stands and what is left."""

    course_id: int
    slug: str
    title: str
    status: str
    modules_done: int
    modules_total: int
    assessment_passed: bool
    attempts_used: int
    scenarios_done: int
    scenarios_total: int
    due_on: date | None
    valid_until: date | None
    certificate: CertificationPeriod | None  # the latest period, if any
    reminder: str | None  # the reminder kind "Send a reminder" would send, if any


@dataclass(frozen=True)
class AttemptView:
    attempt: Attempt
    course_title: str
    version_number: int | None
    module_title: str | None  # for knowledge checks: the module's title


@dataclass(frozen=True)
class RunView:
    run: ScenarioRun
    course_title: str
    scenario_title: str
    decisions: list  # lms.scenarios.services.DecisionView, in order


@dataclass(frozen=True)
class PersonPage:
    summaries: list[CourseSummary]
    titles: dict[int, str]  # course id -> title of its newest version
    assignments: list[Assignment]
    attempts: list[AttemptView]
    runs: list[RunView]
    periods: list[CertificationPeriod]
    period_status: dict[int, str]
    reminders: list[ReminderSent]


def statuses(person_id: int, today: date) -> dict[int, object]:
    """course id -> the reports' status row for this person (one statement), so the page
    and the team report always say the same."""
    table = queries.status_table(
        queries.Scope(),
        today,
        person_ids=[person_id],
        person_statuses=tuple(s for s in PERSON_STATUSES if s != "erased"),
    )
    return {row.course_id: row for row in session.execute(select(table))}


def summaries(
    person_id: int, today: date, versions: list[CourseVersion], periods: list[CertificationPeriod]
) -> list[CourseSummary]:
    """A summary per course, in the order of ``versions``."""
    rows = statuses(person_id, today)
    progress = progress_for_many(person_id, versions, today)
    latest: dict[int, CertificationPeriod] = {}
    for p in sorted(periods, key=lambda p: p.sequence):
        if p.certified_on <= today:
            latest[p.course_id] = p
    out = []
    for v in versions:
        row = rows.get(v.course_id)
        cycle, _needs, prog = progress[v.course_id]
        status = row.status if row is not None else "not_assigned"
        required = [s for s in prog.scenarios if s.required]
        modules_done, passed = prog.modules_done, prog.assessment.passed
        scenarios_done = sum(1 for s in required if s.passed)
        if cycle.mode == "certified":
            # Nothing to do until the refresher opens: the cycle that earned the
            # certificate met every requirement (the new cycle's "0 of 9" would mislead).
            modules_done, passed, scenarios_done = len(prog.modules), True, len(required)
        due_on = row.due_on if row is not None else None
        reminder = REMINDER_FOR_STATUS.get(status)
        if reminder == DUE_7 and due_on is None:
            reminder = None  # the e-mail names the due date
        out.append(
            CourseSummary(
                course_id=v.course_id,
                slug=v.course.slug,
                title=v.title,
                status=status,
                modules_done=modules_done,
                modules_total=len(prog.modules),
                assessment_passed=passed,
                attempts_used=prog.assessment.attempts_used,
                scenarios_done=scenarios_done,
                scenarios_total=len(required),
                due_on=due_on,
                valid_until=row.valid_until if row is not None else None,
                certificate=latest.get(v.course_id),
                reminder=reminder,
            )
        )
    return out


def _decisions(row: Scenario | None, run: ScenarioRun) -> list:
    if row is None:
        return []
    try:
        return scenarios.decisions(row, scenarios.path_of(run, scenarios.parse(row)))
    except Exception:  # noqa: BLE001 -- a corrupt stored path must not break the page
        return []


def _history(model, person_id: int, newest_first, *where) -> list:
    """The person's rows of one kind of evidence, newest first (one statement)."""
    return list(
        session.scalars(
            select(model).where(model.person_id == person_id, *where).order_by(newest_first.desc())
        )
    )


@dataclass(frozen=True)
class _Versions:
    """What the evidence names of the versions it was earned on (not necessarily the
    newest): their numbers, module titles and scenario rows."""

    numbers: dict[int, int]
    modules: dict[tuple[int, str], str]
    scenarios: dict[tuple[int, str], Scenario]


def _versions_of(attempts: list, runs: list) -> _Versions:
    used = {a.version_id for a in attempts} | {r.version_id for r in runs}
    if not used:
        return _Versions({}, {}, {})
    numbers = dict(
        session.execute(
            select(CourseVersion.id, CourseVersion.number).where(CourseVersion.id.in_(used))
        ).all()
    )
    modules = {
        (vid, key): title
        for vid, key, title in session.execute(
            select(Module.version_id, Module.key, Module.title).where(Module.version_id.in_(used))
        )
    }
    rows = {
        (s.version_id, s.key): s
        for s in session.scalars(
            select(Scenario).where(Scenario.version_id.in_({r.version_id for r in runs} or {-1}))
        )
    }
    return _Versions(numbers, modules, rows)


def load(person_id: int, today: date) -> PersonPage:
    """Everything the person page shows, in a fixed number of statements."""
    versions = latest_versions()
    titles = {v.course_id: v.title for v in versions}
    periods = _history(CertificationPeriod, person_id, CertificationPeriod.certified_on)
    assignments = _history(Assignment, person_id, Assignment.assigned_on)
    attempts = _history(Attempt, person_id, Attempt.submitted_at, Attempt.submitted_at.is_not(None))
    runs = _history(ScenarioRun, person_id, ScenarioRun.started_at)
    reminders = _history(ReminderSent, person_id, ReminderSent.sent_at)
    earned_on = _versions_of(attempts, runs)
    attempt_views = [
        AttemptView(
            a,
            titles.get(a.course_id, ""),
            earned_on.numbers.get(a.version_id),
            earned_on.modules.get((a.version_id, a.module_key)) if a.module_key else None,
        )
        for a in attempts
    ]
    run_views = []
    for r in runs:
        row = earned_on.scenarios.get((r.version_id, r.scenario_key))
        run_views.append(
            RunView(
                r,
                titles.get(r.course_id, ""),
                row.title if row else r.scenario_key,
                _decisions(row, r),
            )
        )
    return PersonPage(
        summaries=summaries(person_id, today, versions, periods),
        titles=titles,
        assignments=assignments,
        attempts=attempt_views,
        runs=run_views,
        periods=periods,
        period_status=certificates.statuses_of(periods, today),
        reminders=reminders,
    )


def course_summary(
    person_id: int, today: date, slug: str
) -> tuple[CourseVersion, CourseSummary] | None:
    """One course's newest version and summary for the person (None: no such course)."""
    versions = [v for v in latest_versions() if v.course.slug == slug]
    if not versions:
        return None
    periods = list(
        session.scalars(
            select(CertificationPeriod).where(
                CertificationPeriod.person_id == person_id,
                CertificationPeriod.course_id == versions[0].course_id,
            )
        )
    )
    return versions[0], summaries(person_id, today, versions, periods)[0]


def visible_person(viewer: Person, person_id: int) -> Person | None:
    """The person, if ``viewer`` may see their records; else None. Someone outside the
    viewer's tree is "not found", exactly like an id that does not exist or was erased."""
    subject = session.get(Person, person_id)
    if subject is None or subject.status == "erased" or not may_view_person(viewer, person_id):
        return None
    return subject
