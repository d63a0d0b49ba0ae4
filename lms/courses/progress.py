"""Loading a learner's progress facts for a course version (a fixed number of queries)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.courses.models import CourseVersion, Module, ModuleProgress, Scenario
from lms.db import session, utcnow
from lms.domain.progress import (
    AssessmentRules,
    AttemptFacts,
    CourseProgress,
    ModuleFacts,
    ScenarioFacts,
    course_progress,
)
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun


def modules_of(version: CourseVersion) -> list[Module]:
    return list(session.scalars(select(Module).where(Module.version_id == version.id).order_by(Module.position)))


def scenarios_of(version: CourseVersion) -> list[Scenario]:
    return list(session.scalars(select(Scenario).where(Scenario.version_id == version.id)
                                .order_by(Scenario.position)))


def assessment_rules(version: CourseVersion, kind: str = "final") -> AssessmentRules:
    settings = version.settings["assessment"]
    return AssessmentRules(
        pass_mark=settings["pass_mark"],
        max_attempts=settings["max_attempts"] if kind == "final" else None,
        cooldown_minutes=settings["cooldown_minutes"],
    )


def load_progress(
    person_id: int,
    version: CourseVersion,
    *,
    since: datetime | None = None,
    modules: list[Module] | None = None,
    kind: str = "final",
    scenario_keys: set[str] | None = None,
) -> CourseProgress:
    """The learner's progress on ``version``, counting only what was earned since ``since``.

    ``modules`` and ``scenario_keys`` narrow the requirements (a refresher needs only the
    changed modules and at most one scenario); by default the whole course is required.
    """
    modules = modules if modules is not None else modules_of(version)
    rows = {
        p.module_key: p
        for p in session.scalars(select(ModuleProgress).where(
            ModuleProgress.person_id == person_id, ModuleProgress.course_id == version.course_id))
    }
    module_facts = [
        ModuleFacts(
            key=m.key, title=m.title, sections_hash=m.sections_hash,
            read_at=rows[m.key].read_at if m.key in rows else None,
            passed_at=rows[m.key].passed_at if m.key in rows else None,
            progress_hash=rows[m.key].sections_hash if m.key in rows else None,
        )
        for m in modules
    ]
    attempts = [
        AttemptFacts(started_at=a.started_at, submitted_at=a.submitted_at, passed=a.passed)
        for a in session.execute(
            select(Attempt.started_at, Attempt.submitted_at, Attempt.passed).where(
                Attempt.person_id == person_id, Attempt.course_id == version.course_id,
                Attempt.kind == kind)
        )
    ]
    passed_keys = set(session.scalars(
        select(ScenarioRun.scenario_key).where(
            ScenarioRun.person_id == person_id, ScenarioRun.course_id == version.course_id,
            ScenarioRun.passed.is_(True),
            *((ScenarioRun.finished_at >= since,) if since else ()),
        ).distinct()
    ))
    scenarios = [
        ScenarioFacts(key=s.key, title=s.title,
                      required=s.required if scenario_keys is None else s.key in scenario_keys,
                      passed=s.key in passed_keys)
        for s in scenarios_of(version)
        if scenario_keys is None or s.key in scenario_keys
    ]
    return course_progress(module_facts, attempts, scenarios, assessment_rules(version, kind),
                           now=utcnow(), since=since)
