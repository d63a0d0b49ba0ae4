"""A learner's progress through one course, from plain facts.

The course page, the home page and certification all ask the same questions: which
modules are done, may the final assessment be started now, what is left. The answers
are computed here from values the services load in a few queries.

``since`` starts the learner's current cycle: progress earned before it does not count
(after a certificate expires the whole course is taken again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Module states, in the order a learner meets them.
NOT_STARTED = "not_started"
READ = "read"  # opened, knowledge check not passed yet
CHANGED = "changed"  # done on an earlier version whose policy sections have since changed
COMPLETE = "complete"


@dataclass(frozen=True)
class ModuleFacts:
    key: str
    title: str
    sections_hash: str
    read_at: datetime | None = None
    passed_at: datetime | None = None
    progress_hash: str | None = None  # sections_hash of the version the progress was earned on


@dataclass(frozen=True)
class AttemptFacts:
    started_at: datetime
    submitted_at: datetime | None
    passed: bool | None


@dataclass(frozen=True)
class AssessmentRules:
    pass_mark: int = 80
    max_attempts: int | None = None
    cooldown_minutes: int = 0


@dataclass(frozen=True)
class ScenarioFacts:
    key: str
    title: str
    required: bool
    passed: bool
    passed_at: datetime | None = None  # when the first counted passing run finished


@dataclass(frozen=True)
class Acknowledgement:
    """The policy acknowledgement step: ``required`` by the course, ``signed_at`` when the
    learner signed the policy's current text (None: not yet)."""

    required: bool
    signed_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class Gate:
    """Whether the final assessment may be started now, and why not."""

    passed: bool
    can_start: bool
    reason: str | None  # "modules" | "passed" | "attempts" | "cooldown" | None
    attempts_used: int
    attempts_left: int | None
    next_start_at: datetime | None


@dataclass(frozen=True)
class CourseProgress:
    modules: tuple[tuple[ModuleFacts, str], ...]  # (module, state)
    modules_done: int
    assessment: Gate
    scenarios: tuple[ScenarioFacts, ...]
    steps_done: int
    steps_total: int
    complete: bool
    # When the last requirement was met (the latest of each step's first counted
    # completion); None until complete. The repair run dates a late certificate by it.
    completed_at: datetime | None = None
    #: The acknowledgement step, when the course asks for one.
    acknowledgement: Acknowledgement | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def all_modules_done(self) -> bool:
        return self.modules_done == len(self.modules)

    @property
    def module_listing(self) -> tuple[tuple[str, str, str], ...]:
        """``(key, title, state)`` of each module: all a list of the modules shows (a
        page keeps the rendered list by it, ``lms.web.fragments``)."""
        return tuple((m.key, m.title, state) for m, state in self.modules)

    @property
    def next_module(self) -> ModuleFacts | None:
        return next((m for m, state in self.modules if state != COMPLETE), None)

    @property
    def scenarios_left(self) -> tuple[ScenarioFacts, ...]:
        return tuple(s for s in self.scenarios if s.required and not s.passed)

    @property
    def next_step(self) -> NextStep:
        """Where a Continue button leads: the first module not complete, then the policy
        acknowledgement (when the course asks for one), then the assessment (once it may be
        started), then the first required scenario left."""
        module = self.next_module
        if module is not None:
            return NextStep("module", module.key, module.title)
        if self.acknowledgement is not None and not self.acknowledgement.done:
            return NextStep("acknowledge", "", "")
        if not self.assessment.passed:
            if self.assessment.can_start:
                return NextStep("assessment", "", "")
            if self.assessment.reason in ("attempts", "cooldown") and not self.scenarios_left:
                return NextStep("wait", "", "")
        if self.scenarios_left:
            first = self.scenarios_left[0]
            return NextStep("scenario", first.key, first.title)
        return NextStep("done", "", "")


@dataclass(frozen=True)
class NextStep:
    """``kind``: module | acknowledge | assessment | scenario | wait (a cooldown or no attempts left) |
    done; ``key`` and ``title`` of the module or scenario."""

    kind: str
    key: str
    title: str


def _counts(moment: datetime | None, since: datetime | None) -> bool:
    return moment is not None and (since is None or moment >= since)


def module_state(module: ModuleFacts, since: datetime | None = None) -> str:
    """Progress only counts on the module's current policy sections and in this cycle."""
    if not _counts(module.read_at, since):
        return NOT_STARTED
    if module.progress_hash != module.sections_hash:
        return CHANGED
    return COMPLETE if _counts(module.passed_at, since) else READ


def assessment_gate(
    attempts: Sequence[AttemptFacts],
    rules: AssessmentRules,
    *,
    modules_done: bool,
    now: datetime,
    since: datetime | None = None,
) -> Gate:
    """May the learner start a final assessment attempt at ``now``?

    Attempts before ``since`` belong to an earlier cycle and are not counted. An open
    (unsubmitted) attempt does not block: the learner resumes it.
    """
    current = [a for a in attempts if _counts(a.started_at, since)]
    submitted = sorted((a for a in current if a.submitted_at), key=lambda a: a.submitted_at)
    passed = any(a.passed for a in submitted)
    used = len(submitted)
    left = None if rules.max_attempts is None else max(0, rules.max_attempts - used)
    next_at = None
    if submitted and not passed and rules.cooldown_minutes:
        next_at = submitted[-1].submitted_at + timedelta(minutes=rules.cooldown_minutes)
    if passed:
        return Gate(True, False, "passed", used, left, None)
    if not modules_done:
        return Gate(False, False, "modules", used, left, None)
    if left == 0:
        return Gate(False, False, "attempts", used, left, None)
    if next_at is not None and now < next_at:
        return Gate(False, False, "cooldown", used, left, next_at)
    return Gate(False, True, None, used, left, None)


def course_progress(
    modules: Sequence[ModuleFacts],
    attempts: Sequence[AttemptFacts],
    scenarios: Sequence[ScenarioFacts],
    rules: AssessmentRules,
    *,
    now: datetime,
    since: datetime | None = None,
    acknowledgement: Acknowledgement | None = None,
) -> CourseProgress:
    """Everything the course page shows: states, the gate, steps done out of total.

    Steps are: each module, the policy acknowledgement (when the course asks for one),
    the final assessment, and each required scenario. An acknowledgement counts whenever
    it was signed: it is of the policy's current text, which is what matters, not of a cycle.
    """
    states = tuple((m, module_state(m, since)) for m in modules)
    done = sum(1 for _, s in states if s == COMPLETE)
    gate = assessment_gate(attempts, rules, modules_done=done == len(modules), now=now, since=since)
    required = [s for s in scenarios if s.required]
    scen_done = sum(1 for s in required if s.passed)
    ack = acknowledgement if acknowledgement is not None and acknowledgement.required else None
    total = len(modules) + 1 + len(required) + (1 if ack else 0)
    steps = done + (1 if gate.passed else 0) + scen_done + (1 if ack and ack.done else 0)
    complete = steps == total
    return CourseProgress(
        modules=states,
        modules_done=done,
        assessment=gate,
        scenarios=tuple(scenarios),
        steps_done=steps,
        steps_total=total,
        complete=complete,
        completed_at=_completed_at(modules, attempts, required, since, ack) if complete else None,
        acknowledgement=ack,
    )


def _completed_at(
    modules: Sequence[ModuleFacts],
    attempts: Sequence[AttemptFacts],
    required: Sequence[ScenarioFacts],
    since: datetime | None,
    ack: Acknowledgement | None = None,
) -> datetime | None:
    """The moment the last step was met: each step counts from its first counted pass."""
    moments = [m.passed_at for m in modules]
    if ack is not None:
        moments.append(ack.signed_at)
    moments.append(
        min(
            (
                a.submitted_at
                for a in attempts
                if a.passed and a.submitted_at and _counts(a.started_at, since)
            ),
            default=None,
        )
    )
    moments += [s.passed_at for s in required]
    known = [m for m in moments if m is not None]
    return max(known) if known else None
