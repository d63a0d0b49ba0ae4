"""Loading a learner's progress facts for course versions (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from lms.certification.models import PolicyAcknowledgement
from lms.courses.models import CourseVersion, Module, ModuleProgress, Scenario
from lms.db import session, utcnow
from lms.domain.progress import (
    Acknowledgement,
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



def assessment_rules(version: CourseVersion, kind: str = "final") -> AssessmentRules:
    settings = version.course_settings.assessment
    return AssessmentRules(
        pass_mark=settings.pass_mark,
        max_attempts=settings.max_attempts if kind == "final" else None,
        cooldown_minutes=settings.cooldown_minutes,
    )


@dataclass
class LearnerRecords:
    """One learner's rows for several course versions, loaded in five queries.

    Pages that show many courses (the home page) ask for all of them at once instead of
    running the same queries per course.
    """

    modules: dict[int, list[Module]]  # version id -> modules in order
    scenarios: dict[int, list[Scenario]]  # version id -> scenarios in order
    progress: dict[int, dict[str, ModuleProgress]]  # course id -> module key -> row
    attempts: dict[tuple[int, str], list[AttemptFacts]]  # (course id, kind) -> attempts
    passed_runs: dict[int, list[tuple[str, datetime]]]  # course id -> (scenario key, finished at)
    # Courses with any recorded activity (a module opened, any attempt, any scenario
    # run): what "started" means for the status, exactly as the reports' SQL counts it.
    started: set[int] = field(default_factory=set)
    # course id -> policy hash -> when signed; loaded only for courses that ask for it.
    acknowledged: dict[int, dict[str, datetime]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def load(cls, person_id: int, versions: list[CourseVersion]) -> LearnerRecords:
        version_ids = [v.id for v in versions]
        course_ids = [v.course_id for v in versions]
        records = cls(defaultdict(list), defaultdict(list), defaultdict(dict), defaultdict(list),
                      defaultdict(list))
        for m in session.scalars(select(Module).where(Module.version_id.in_(version_ids))
                                 .order_by(Module.position)):
            records.modules[m.version_id].append(m)
        for sc in session.scalars(select(Scenario).where(Scenario.version_id.in_(version_ids))
                                  .order_by(Scenario.position)):
            records.scenarios[sc.version_id].append(sc)
        for row in session.scalars(select(ModuleProgress).where(
                ModuleProgress.person_id == person_id, ModuleProgress.course_id.in_(course_ids))):
            records.progress[row.course_id][row.module_key] = row
            records.started.add(row.course_id)
        for course_id, kind, started, submitted, passed in session.execute(
                select(Attempt.course_id, Attempt.kind, Attempt.started_at, Attempt.submitted_at,
                       Attempt.passed)
                .where(Attempt.person_id == person_id, Attempt.course_id.in_(course_ids),
                       Attempt.kind != "check")):
            records.attempts[(course_id, kind)].append(AttemptFacts(started, submitted, passed))
            records.started.add(course_id)
        records.started.update(session.scalars(
            select(Attempt.course_id).where(Attempt.person_id == person_id, Attempt.kind == "check",
                                            Attempt.course_id.in_(course_ids)).distinct()))
        for course_id, key, finished, passed in session.execute(
                select(ScenarioRun.course_id, ScenarioRun.scenario_key, ScenarioRun.finished_at,
                       ScenarioRun.passed)
                .where(ScenarioRun.person_id == person_id, ScenarioRun.course_id.in_(course_ids))):
            records.started.add(course_id)
            if passed:
                records.passed_runs[course_id].append((key, finished))
        asking = [v.course_id for v in versions if v.course_settings.acknowledge_policy]
        if asking:
            for course_id, policy, signed in session.execute(
                    select(PolicyAcknowledgement.course_id, PolicyAcknowledgement.policy_hash,
                           PolicyAcknowledgement.acknowledged_at)
                    .where(PolicyAcknowledgement.person_id == person_id,
                           PolicyAcknowledgement.course_id.in_(asking))):
                records.acknowledged[course_id][policy] = signed
        return records

    def progress_on(
        self,
        version: CourseVersion,
        *,
        since: datetime | None = None,
        modules: list[Module] | None = None,
        kind: str = "final",
        scenario_keys: set[str] | None = None,
    ) -> CourseProgress:
        """The learner's progress on ``version``, counting only what was earned since ``since``.

        ``modules`` and ``scenario_keys`` narrow the requirements (a refresher needs only
        the changed modules and at most one scenario); by default the whole course counts.
        """
        modules = modules if modules is not None else self.modules[version.id]
        rows = self.progress[version.course_id]
        module_facts = [
            ModuleFacts(
                key=m.key, title=m.title, sections_hash=m.sections_hash,
                read_at=rows[m.key].read_at if m.key in rows else None,
                passed_at=rows[m.key].passed_at if m.key in rows else None,
                progress_hash=rows[m.key].sections_hash if m.key in rows else None,
            )
            for m in modules
        ]
        passed_at: dict[str, datetime] = {}
        for key, finished in self.passed_runs[version.course_id]:
            if finished is not None and (since is None or finished >= since):
                passed_at[key] = min(finished, passed_at.get(key, finished))
        scenarios = [
            ScenarioFacts(key=sc.key, title=sc.title,
                          required=sc.required if scenario_keys is None else sc.key in scenario_keys,
                          passed=sc.key in passed_at, passed_at=passed_at.get(sc.key))
            for sc in self.scenarios[version.id]
            if scenario_keys is None or sc.key in scenario_keys
        ]
        ack = None
        if version.course_settings.acknowledge_policy:
            ack = Acknowledgement(True, self.acknowledged[version.course_id].get(version.policy_hash or ""))
        return course_progress(module_facts, self.attempts[(version.course_id, kind)], scenarios,
                               assessment_rules(version, kind), now=utcnow(), since=since,
                               acknowledgement=ack)
