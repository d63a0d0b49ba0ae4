"""The built-in scoring modes, ``end`` and ``sum``, and the best score a run can get."""

from __future__ import annotations

from lms.domain.scenarios.graph import (
    max_sum,
    reachable_ends,
)
from lms.domain.scenarios.model import (
    SCORING_MODES,
    Node,
    Scenario,
    ScoringMode,
    Step,
    register_scoring_mode,
)


def best_path_score(scenario: Scenario) -> int:
    """The best 0..100 score any run can get under the scenario's scoring mode."""
    return SCORING_MODES[scenario.scoring].best(scenario)


def _end_mode_score(scenario: Scenario, path: tuple[Step, ...], current: Node) -> int:
    if current.is_end and current.end_score is not None:
        return current.end_score
    return 0


def _end_mode_best(scenario: Scenario) -> int:
    return max((scenario.nodes[n].end_score or 0 for n in reachable_ends(scenario)), default=0)


def _sum_mode_score(scenario: Scenario, path: tuple[Step, ...], current: Node) -> int:
    total = sum(scenario.nodes[s.node_id].choices[s.choice_index].score for s in path)
    best = max_sum(scenario)
    if best == 0:
        # Validation rejects this, but a run that finished did as well as anyone could.
        return 100 if current.is_end else 0
    # Round half up in integers: round() would round 12.5 to 12 and floats could drift.
    return min(100, (200 * total + best) // (2 * best))


def _sum_mode_best(scenario: Scenario) -> int:
    return 100


#: Score a run by the end it reaches.
END_MODE = register_scoring_mode(
    ScoringMode(
        id="end",
        description="the score of the end reached",
        score=_end_mode_score,
        best=_end_mode_best,
        allows_cycles=True,
        needs_end_scores=True,
    )
)
#: Score a run by the scores of the choices it took.
SUM_MODE = register_scoring_mode(
    ScoringMode(
        id="sum",
        description="the chosen choices' scores, as a percentage of the best path's sum",
        score=_sum_mode_score,
        best=_sum_mode_best,
        allows_cycles=False,
    )
)
