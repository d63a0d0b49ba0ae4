"""``course.yaml`` being checked: the keys it may have, the TODO placeholders a scaffold
leaves in it, and locating each problem found in it at its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms.courses import yamlfile
from lms.courses.reader import (
    Reader,
)
from lms.domain.checks import PLAIN, Checks

COURSE_KEYS = sorted(
    {
        "id",
        "title",
        "summary",
        "policy",
        "review_on_change",
        "review_due_days",
        "acknowledge_policy",
        "modules",
        "assessment",
        "scenarios",
        "certification",
        "facts",
        "time_budget",
    }
)
MODULE_KEYS = sorted({"id", "title", "file", "sections", "questions", "pass_mark"})
ASSESSMENT_KEYS = sorted(
    {"questions", "draw", "pass_mark", "max_attempts", "cooldown_minutes", "reveal_answers"}
)
SCENARIO_REF_KEYS = sorted({"file", "required", "pass_mark"})
TIME_BUDGET_KEYS = ["first_pass", "refresher"]


# A value a scaffold (``flask lms new-course``) leaves for the author to decide.
PLACEHOLDER = "TODO"
_PLACEHOLDER_HINTS = {
    "summary": "still to write: one or two sentences shown on the course list",
    "pass_mark": "still to decide: the percent needed to pass",
    "scenarios": "still to write: add scenario files (see docs/course-format.md), or write "
    "scenarios: [] if the course has none",
}


def report_placeholders(r: Reader, rel: str, data: Any, path: tuple = ()) -> None:
    """Report each TODO value in course.yaml as still to write, then drop it.

    Dropping it lets the rest of the check treat the key as absent, so each open
    decision is reported once, in words, instead of as a wrong value.
    """
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in list(items):
        if value == PLACEHOLDER and isinstance(data, dict):
            owner = {
                "modules": f" of module {data.get('id')!r} (its knowledge check)",
                "assessment": " of the final assessment",
            }.get(path[0] if path else "", "")
            hint = _PLACEHOLDER_HINTS.get(key, "still to write")
            line = data.lines.get(key, data.line) if isinstance(data, yamlfile.LineDict) else 1
            r.add(rel, line, f"{key}{owner}: {hint}")
            del data[key]
        elif isinstance(value, dict | list):
            report_placeholders(r, rel, value, (*path, key))


COURSE_YAML = "course.yaml"


@dataclass
class CourseYaml:
    """``course.yaml`` being checked: problems found in it are located by their path."""

    r: Reader
    data: Any
    checks: Checks = field(default_factory=lambda: Checks(PLAIN))
    seen_questions: set[str] = field(default_factory=set)

    def where(self, *path: Any) -> tuple[str, int]:
        """The file and line a value of ``course.yaml`` was written on."""
        return COURSE_YAML, yamlfile.line_of(self.data, path)

    def add(self, path: tuple, message: str) -> None:
        self.r.add(*self.where(*path), message)

    def flush(self) -> None:
        """Report the problems the domain checks found so far, each at its line."""
        self.r.add_problems(COURSE_YAML, self.data, self.checks.problems)
        self.checks.problems.clear()
