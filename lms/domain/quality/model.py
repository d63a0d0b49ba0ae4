"""The values the course-quality checks take and give: plain data, no files or lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lms.domain.estimate import CourseEstimate
from lms.domain.facts import Fact
from lms.domain.scenarios import Scenario


@dataclass(frozen=True)
class Finding:
    """One thing a course author should fix.

    ``source`` names the file as the caller named it, ``path`` locates the offending
    value inside that file's data (mapping keys and list indexes, as a validation
    ``Problem`` does; ``()`` is the top of the file). ``check`` is the stable id of the
    check that found it (see ``lms.domain.quality.CHECKS``). ``important`` findings are
    also shown, as warnings, by the normal ``check-courses``.
    """

    check: str
    source: str
    path: tuple
    message: str
    important: bool = False


@dataclass(frozen=True)
class QuestionFile:
    """The valid raw questions of one file; ``final`` for the final/refresher pool."""

    source: str
    questions: Sequence[Mapping]
    final: bool = False


@dataclass(frozen=True)
class ScenarioCase:
    """A parsed scenario with how the course uses it."""

    source: str
    scenario: Scenario
    required: bool
    pass_mark: int


@dataclass(frozen=True)
class TimeBudget:
    """The time goals, in minutes (issue 14: buyers expect 20 to 40 for a first pass)."""

    first_pass: int = 40
    refresher: int = 12


@dataclass(frozen=True)
class CourseQuality:
    """Everything the checks look at for one course.

    ``course_source`` and ``policy_source`` name course.yaml and the policy; findings on
    a section use the path ``("sections", key)``, on a fact ``("facts", index)``, on a
    module ``("modules", index)`` and on the refresher ``("certification", "refresher")``.
    """

    course_source: str
    policy_source: str
    sections: Sequence[str]
    question_files: Sequence[QuestionFile]
    facts: Sequence[Fact] = ()
    scenarios: Sequence[ScenarioCase] = ()
    estimate: CourseEstimate | None = None
    budget: TimeBudget = field(default_factory=TimeBudget)
