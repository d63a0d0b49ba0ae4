"""The course-quality linter for a loaded course folder (the checks are in
``lms.domain.quality``): builds their input from a :class:`CourseSource`, and turns each
finding's data path into ``path:line`` with the line numbers kept when the YAML was read.

``quality_findings(course)`` is what ``check-courses --quality`` prints;
``course_warnings(course)`` the important subset the normal ``check-courses`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.courses import yamlfile
from lms.courses.estimates import estimate_source
from lms.courses.source import CourseSource, display_path
from lms.domain.quality import (
    CourseQuality,
    Finding,
    QuestionFile,
    ScenarioCase,
    TimeBudget,
    check_quality,
    strategy_scores,
)
from lms.domain.scenarios import parse_scenario


@dataclass(frozen=True)
class QualityFinding:
    """A finding located in a file, printed as ``path:line: [check] message``."""

    path: str
    line: int
    check: str
    message: str
    important: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.check}] {self.message}"


def quality_input(course: CourseSource) -> CourseQuality:
    """The pure checks' view of ``course``; sources are paths relative to its folder."""
    files = [QuestionFile(m.questions_file, m.questions) for m in course.modules if m.questions]
    files.append(QuestionFile(course.pool_file, course.pool, final=True))
    budget = TimeBudget(**{k: v for k, v in course.time_budget.items() if v is not None})
    return CourseQuality(
        course_source="course.yaml",
        policy_source=course.policy_file,
        sections=[s.key for s in course.sections],
        question_files=files,
        facts=course.facts,
        scenarios=[
            ScenarioCase(s.file, parse_scenario(yamlfile.plain(s.data)), s.required, s.pass_mark)
            for s in course.scenarios
        ],
        estimate=estimate_source(course),
        budget=budget,
    )


def _locate(course: CourseSource, finding: Finding) -> QualityFinding:
    if finding.source == course.policy_file and finding.path[:1] == ("sections",):
        line = next((s.line for s in course.sections if s.key == finding.path[1]), 1)
    else:
        data = {"course.yaml": course.raw, course.pool_file: course.pool}
        data.update({m.questions_file: m.questions for m in course.modules})
        data.update({s.file: s.data for s in course.scenarios})
        line = yamlfile.line_of(data.get(finding.source), finding.path)
    return QualityFinding(
        display_path(course.folder, finding.source),
        line,
        finding.check,
        finding.message,
        finding.important,
    )


def quality_findings(course: CourseSource) -> list[QualityFinding]:
    """Every course-quality finding for ``course``, located."""
    return [_locate(course, f) for f in check_quality(quality_input(course))]


def course_warnings(course: CourseSource) -> list[QualityFinding]:
    """The findings important enough for the normal check: coverage, matching without
    distractors, everything-is-right multi-selects, required scenarios passed by a fixed
    strategy. They never make the normal check fail."""
    return [f for f in quality_findings(course) if f.important]


def summary_lines(course: CourseSource) -> list[str]:
    """What ``--quality`` prints besides findings: the minutes and the strategy scores."""
    inp = quality_input(course)
    e, budget = inp.estimate, inp.budget
    longest = e.longest_module
    lines = [
        f"{course.slug}: first pass about {e.first_pass:.1f} min (goal {budget.first_pass}), "
        f"refresher {e.refresher():.1f} min (goal {budget.refresher}; "
        f"{e.refresher([longest] if longest else []):.1f} redoing the longest module)",
        "  modules: " + ", ".join(f"{k} {v:.1f}" for k, v in e.modules.items()),
        f"  final assessment {e.assessment:.1f}, refresher assessment {e.refresher_assessment:.1f}",
        "  scenarios: "
        + ", ".join(
            f"{k} {v:.1f}{' (required)' if k in e.required else ''}" for k, v in e.scenarios.items()
        ),
    ]
    for case in inp.scenarios:
        scores = ", ".join(
            f"{name.removeprefix('always the ')} {score}{'' if done else ' (loops)'}"
            for name, (score, done) in strategy_scores(case).items()
        )
        lines.append(
            f"  {case.scenario.id} by fixed strategy: {scores} (pass mark {case.pass_mark})"
        )
    return lines
