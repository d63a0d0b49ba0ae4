"""Scenarios that can be passed without reading them.

Each scenario is played with every fixed strategy of
:data:`lms.domain.scenarios.outcomes.STRATEGIES` (always the first, the last or the
longest choice, in file order). A strategy that reaches an end with a passing score is a
finding; for a required scenario it is also shown by the normal ``check-courses``.
"""

from __future__ import annotations

from lms.domain.quality.model import CourseQuality, Finding, ScenarioCase
from lms.domain.scenarios.outcomes import STRATEGIES, describe_path, strategy_score


def strategy_scores(case: ScenarioCase) -> dict[str, tuple[int, bool]]:
    """Strategy name -> (score, finished) for one :class:`ScenarioCase`."""
    return {name: strategy_score(case.scenario, pick)[:2] for name, pick in STRATEGIES.items()}


def check_strategies(course: CourseQuality) -> list[Finding]:
    """A finding per strategy that passes a scenario."""
    findings: list[Finding] = []
    for case in course.scenarios:
        start = list(case.scenario.nodes).index(case.scenario.start)
        for name, pick in STRATEGIES.items():
            score, finished, path = strategy_score(case.scenario, pick)
            if finished and score >= case.pass_mark:
                findings.append(
                    Finding(
                        "scenario-strategy",
                        case.source,
                        ("nodes", start),
                        f"{case.scenario.id}: {name} scores {score}, which passes (pass mark "
                        f"{case.pass_mark}): {describe_path(path)}; vary where the best choice "
                        f"sits and how long it is",
                        important=case.required,
                    )
                )
    return findings
