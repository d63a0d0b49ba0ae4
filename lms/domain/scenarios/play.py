"""Playing a scenario: a run is its path of steps, replayed and checked on every move."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lms.domain.checks import is_int
from lms.domain.scenarios.model import (
    SCORING_MODES,
    Choice,
    Decision,
    InvalidChoice,
    Node,
    Scenario,
    ScenarioResult,
    StaleChoice,
    Step,
)


def _walk(scenario: Scenario, path: Iterable[Step]) -> tuple[tuple[Step, ...], Node]:
    node = scenario.nodes[scenario.start]
    steps: list[Step] = []
    for k, step in enumerate(path):
        if not isinstance(step, Step):
            raise InvalidChoice(f"step {k + 1} of the path is not a Step: {step!r}")
        if node.is_end:
            raise InvalidChoice(f"step {k + 1} of the path continues after the end {node.id!r}")
        if step.node_id != node.id:
            raise InvalidChoice(
                f"step {k + 1} of the path is at node {step.node_id!r}, but "
                f"the run is at node {node.id!r}"
            )
        choice = _choice(node, step.choice_index)
        steps.append(step)
        node = scenario.nodes[choice.next]
    return tuple(steps), node


def _choice(node: Node, index: Any) -> Choice:
    if node.is_end:
        raise InvalidChoice(f"node {node.id!r} is an end: the run is finished")
    if not is_int(index) or not 0 <= index < len(node.choices):
        raise InvalidChoice(f"node {node.id!r} has no choice {index!r}")
    return node.choices[index]


def replay(scenario: Scenario, path: Iterable[Step]) -> tuple[Step, ...]:
    """Check a stored path step by step from the start and return it as a tuple.

    Raises ``InvalidChoice`` at the first step that does not follow the graph (wrong
    node, missing choice, or a step after an end).
    """
    return _walk(scenario, path)[0]


def path_from_indexes(scenario: Scenario, indexes: Iterable[int]) -> tuple[Step, ...]:
    """The path for a run stored as bare choice indexes (``InvalidChoice`` if corrupt).

    The graph is deterministic, so the indexes alone determine the nodes; storing
    ``[s.choice_index for s in path]`` is enough.
    """
    node = scenario.nodes[scenario.start]
    steps: list[Step] = []
    for index in indexes:
        choice = _choice(node, index)
        steps.append(Step(node.id, choice.index))
        node = scenario.nodes[choice.next]
    return tuple(steps)


def current_node(scenario: Scenario, path: Iterable[Step]) -> Node:
    """The node a run with ``path`` is at (an end node when finished)."""
    return _walk(scenario, path)[1]


def take_choice(
    scenario: Scenario, path: Iterable[Step], node_id: str, choice_index: int
) -> tuple[Step, ...]:
    """The path after taking choice ``choice_index`` at ``node_id``.

    ``node_id`` and ``choice_index`` come from the posted form. Raises ``StaleChoice``
    when ``node_id`` is not the current node (the page was out of date: back button,
    second tab, double submit) and ``InvalidChoice`` when the node has no such choice or
    is an end (forged input), or when the stored ``path`` itself is corrupt.
    """
    steps, node = _walk(scenario, path)
    if node_id != node.id:
        raise StaleChoice(
            f"this page is out of date: the run is at node {node.id!r}, not {node_id!r}"
        )
    choice = _choice(node, choice_index)
    return steps + (Step(node.id, choice.index),)


def result(
    scenario: Scenario, path: Iterable[Step], pass_mark: int | None = None
) -> ScenarioResult:
    """Where the run with ``path`` stands: decisions, score, outcome, pass or fail.

    ``pass_mark`` overrides the scenario's own (a course may set its own mark). Raises
    ``InvalidChoice`` on a corrupt path.
    """
    steps, node = _walk(scenario, path)
    decisions = []
    for step in steps:
        at = scenario.nodes[step.node_id]
        choice = at.choices[step.choice_index]
        decisions.append(
            Decision(
                node_id=at.id,
                node_text=at.text,
                choice_text=choice.text,
                feedback=choice.feedback,
                score=choice.score,
                section=choice.section,
            )
        )
    mark = scenario.pass_mark if pass_mark is None else pass_mark
    score = SCORING_MODES[scenario.scoring].score(scenario, steps, node)
    finished = node.is_end
    return ScenarioResult(
        finished=finished,
        outcome=node.outcome if finished else None,
        score=score,
        passed=finished and score >= mark,
        decisions=tuple(decisions),
        end_node_id=node.id if finished else None,
        debrief=node.debrief if finished else None,
        pass_mark=mark,
    )
