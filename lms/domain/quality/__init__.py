"""The course-quality linter: pure checks from course values to findings.

``check_quality(course)`` runs every check on a :class:`CourseQuality` and returns
:class:`Finding` values located by file and data path; ``lms.courses.quality`` builds the
input from a course folder and turns paths into ``path:line``. The checks, by id:
"""

from __future__ import annotations

from lms.domain.quality.answers import check_answers
from lms.domain.quality.coverage import check_coverage
from lms.domain.quality.model import (
    CourseQuality,
    Finding,
    QuestionFile,
    ScenarioCase,
    TimeBudget,
)
from lms.domain.quality.scenarios import check_strategies, strategy_scores
from lms.domain.quality.timing import check_timing

#: Every check id and what it finds. ``IMPORTANT`` ones are warnings in the normal check.
CHECKS: dict[str, str] = {
    "answer-position": "the correct choice sits at one position in the file more than chance "
    "allows (or true/false answers lean one way)",
    "longest-answer": "the correct choice is the longest more than chance allows, or much "
    "longer than the others in one question",
    "first-word": "every distractor shares a first word the key lacks (or the reverse)",
    "multiple-counts": "most multiple-choice questions have the same number of right (or "
    "wrong) choices",
    "all-correct": "a multiple-choice question where every choice is correct",
    "matching-distractor": "a matching question without distractors",
    "section-coverage": "a policy section with fewer than 2 final-pool questions",
    "fact-coverage": "a fact with fewer than 2 final-pool questions",
    "fact-tags": "a final-pool question that names no facts (when the course lists facts)",
    "reading-time": "the first pass, the refresher, or a refresher redoing one module, over "
    "the time goal",
    "scenario-strategy": "always picking the first, last or longest choice passes a scenario",
}

__doc__ += "".join(f"\n* ``{k}``: {v}." for k, v in CHECKS.items())

__all__ = [
    "CHECKS",
    "CourseQuality",
    "Finding",
    "QuestionFile",
    "ScenarioCase",
    "TimeBudget",
    "check_quality",
    "strategy_scores",
]


def check_quality(course: CourseQuality) -> list[Finding]:
    """Every finding for ``course``: answer cues, coverage, reading time, scenarios."""
    return [
        *check_answers(course.question_files),
        *check_coverage(course),
        *check_timing(course),
        *check_strategies(course),
    ]
