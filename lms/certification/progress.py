"""Loading a learner's progress facts for course versions (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    DateTime,
    Double,
    Integer,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)

from lms.certification.models import PolicyAcknowledgement
from lms.courses.models import CourseVersion, Module, ModuleProgress, Scenario
from lms.courses.structure import structure
from lms.db import core_rows, utcnow
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


class AttemptListed(NamedTuple):
    """An assessment attempt as the assessment page lists it (no questions or answers)."""

    id: int
    module_key: str
    submitted_at: datetime | None
    score: float | None
    passed: bool | None


class ProgressFacts(NamedTuple):
    """What progress counts from a ``ModuleProgress`` row."""

    read_at: datetime | None
    passed_at: datetime | None
    sections_hash: str | None


def _activity_statement():
    """The learner's module progress, attempts (a check only as "started"), scenario runs
    and policy acknowledgements on courses ``courses``, as one statement: (source, course,
    key, hash, t1, t2, flag, n, score). An assessment attempt's row also carries its module
    key, id and score (``n``, ``score``: what the assessment page lists). Built once: the
    person and courses are bound per call."""
    mp, at, sr, pa = ModuleProgress, Attempt, ScenarioRun, PolicyAcknowledgement
    text, when, flag = cast(null(), String), cast(null(), DateTime), cast(null(), Boolean)
    number, score = cast(null(), Integer), cast(null(), Double)
    person, courses = bindparam("person"), bindparam("courses", expanding=True)
    return union_all(
        select(
            literal("p").label("src"),
            mp.course_id.label("course_id"),
            mp.module_key.label("key"),
            mp.sections_hash.label("hash"),
            mp.read_at.label("t1"),
            mp.passed_at.label("t2"),
            flag.label("flag"),
            number.label("n"),
            score.label("score"),
        ).where(mp.person_id == person, mp.course_id.in_(courses)),
        select(
            literal("a"),
            at.course_id,
            at.kind,
            at.module_key,
            at.started_at,
            at.submitted_at,
            at.passed,
            at.id,
            at.score,
        ).where(at.person_id == person, at.course_id.in_(courses), at.kind != "check"),
        select(literal("c"), at.course_id, text, text, when, when, flag, number, score)
        .where(at.person_id == person, at.course_id.in_(courses), at.kind == "check")
        .group_by(at.course_id),
        select(
            literal("r"),
            sr.course_id,
            sr.scenario_key,
            text,
            sr.finished_at,
            when,
            sr.passed,
            number,
            score,
        ).where(sr.person_id == person, sr.course_id.in_(courses)),
        select(
            literal("k"),
            pa.course_id,
            pa.policy_hash,
            text,
            pa.acknowledged_at,
            when,
            flag,
            number,
            score,
        ).where(pa.person_id == person, pa.course_id.in_(courses)),
    )


_ACTIVITY = _activity_statement()


def _activity(person_id: int, course_ids: list[int]):
    """The rows of :data:`_ACTIVITY` for one learner and courses."""
    return core_rows(_ACTIVITY, {"person": person_id, "courses": course_ids})


def assessment_rules(version: CourseVersion, kind: str = "final") -> AssessmentRules:
    settings = version.course_settings.assessment
    return AssessmentRules(
        pass_mark=settings.pass_mark,
        max_attempts=settings.max_attempts if kind == "final" else None,
        cooldown_minutes=settings.cooldown_minutes,
    )


@dataclass
class LearnerRecords:
    """One learner's rows for several course versions, loaded in one statement.

    Pages that show many courses (the home page) ask for all of them at once instead of
    running the same queries per course.
    """

    modules: dict[int, list[Module]]  # version id -> modules in order
    scenarios: dict[int, list[Scenario]]  # version id -> scenarios in order
    progress: dict[int, dict[str, ProgressFacts]]  # course id -> module key -> row
    attempts: dict[tuple[int, str], list[AttemptFacts]]  # (course id, kind) -> attempts
    # (course id, kind) -> the same attempts as the assessment page lists them
    listed: dict[tuple[int, str], list[AttemptListed]]
    passed_runs: dict[int, list[tuple[str, datetime]]]  # course id -> (scenario key, finished at)
    # Courses with any recorded activity (a module opened, any attempt, any scenario
    # run): what "started" means for the status, exactly as the reports' SQL counts it.
    started: set[int] = field(default_factory=set)
    # course id -> policy hash -> when signed; loaded only for courses that ask for it.
    acknowledged: dict[int, dict[str, datetime]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def load(cls, person_id: int, versions: list[CourseVersion]) -> LearnerRecords:
        """The learner's rows in one statement; the versions' structure from the cache.

        Only what progress counts is read: no module bodies, no scenario graphs, no
        attempt questions."""
        records = cls(
            defaultdict(list),
            defaultdict(list),
            defaultdict(dict),
            defaultdict(list),
            defaultdict(list),
            defaultdict(list),
        )
        for v in versions:
            parts = structure(v)
            records.modules[v.id] = list(parts.modules)
            records.scenarios[v.id] = list(parts.scenarios)
        course_ids = [v.course_id for v in versions]
        if not course_ids:
            return records
        for src, course_id, key, hash_, t1, t2, flag, n, score in _activity(person_id, course_ids):
            if src == "k":  # a policy acknowledgement is not "started" (as the reports count it)
                records.acknowledged[course_id][key] = t1
                continue
            records.started.add(course_id)
            if src == "p":
                records.progress[course_id][key] = ProgressFacts(t1, t2, hash_)
            elif src == "a":
                records.attempts[(course_id, key)].append(AttemptFacts(t1, t2, flag))
                records.listed[(course_id, key)].append(AttemptListed(n, hash_, t2, score, flag))
            elif src == "r" and flag:
                records.passed_runs[course_id].append((key, t1))
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
                key=m.key,
                title=m.title,
                sections_hash=m.sections_hash,
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
            ScenarioFacts(
                key=sc.key,
                title=sc.title,
                required=sc.required if scenario_keys is None else sc.key in scenario_keys,
                passed=sc.key in passed_at,
                passed_at=passed_at.get(sc.key),
            )
            for sc in self.scenarios[version.id]
            if scenario_keys is None or sc.key in scenario_keys
        ]
        ack = None
        if version.course_settings.acknowledge_policy:
            ack = Acknowledgement(
                True, self.acknowledged[version.course_id].get(version.policy_hash or "")
            )
        return course_progress(
            module_facts,
            self.attempts[(version.course_id, kind)],
            scenarios,
            assessment_rules(version, kind),
            now=utcnow(),
            since=since,
            acknowledgement=ack,
        )
