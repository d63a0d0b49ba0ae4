"""What scores each ending of a scenario can be reached with, and whether that fits its label.

A scenario's ends are labelled ``good``, ``acceptable`` or ``poor`` and the run gets a
0..100 score from the scenario's scoring mode. The two must tell the same story: a
learner who reached a "poor" ending must not have passed, one who reached a "good"
ending must not have failed, and no run to a worse ending may outscore a run to a better
one (in ``sum`` mode a late disaster after good early choices can otherwise beat a slow
recovery). :func:`outcome_problems` finds every contradiction, naming a run that shows it;
:func:`whole_scenario_problems` is what ``validate_scenario`` runs on a parsed scenario.

:func:`play_strategy` plays a fixed strategy ("always the first choice", "always the
longest", ...) so the course-quality linter can show whether a scenario can be passed
without reading it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lms.domain.problems import Problem
from lms.domain.scenarios.graph import max_sum
from lms.domain.scenarios.model import SCORING_MODES, Node, Scenario, Step
from lms.domain.scenarios.scoring import best_path_score

#: Outcome labels from worst to best.
OUTCOME_RANK: Mapping[str, int] = {"poor": 0, "acceptable": 1, "good": 2}


@dataclass(frozen=True)
class EndReach:
    """The lowest and highest score a run reaching one end can have, with a run for each."""

    end_id: str
    outcome: str
    low: int
    low_path: tuple[Step, ...]
    high: int
    high_path: tuple[Step, ...]


def describe_path(path: tuple[Step, ...]) -> str:
    """A run as ``node[choice] -> ...`` with 1-based choice numbers in file order."""
    return " -> ".join(f"{s.node_id}[{s.choice_index + 1}]" for s in path) or "(no choices)"


def _topological_order(scenario: Scenario) -> list[str] | None:
    """Nodes reachable from the start, each before its successors; None if a cycle is."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the search path, 2: done
    stack = [(scenario.start, iter(_targets(scenario.nodes[scenario.start])))]
    state[scenario.start] = 1
    while stack:
        node_id, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            stack.pop()
            state[node_id] = 2
            order.append(node_id)
        elif state.get(target) == 1:
            return None
        elif target not in state:
            state[target] = 1
            stack.append((target, iter(_targets(scenario.nodes[target]))))
    order.reverse()
    return order


def _targets(node: Node) -> list[str]:
    return list(dict.fromkeys(c.next for c in node.choices))


def _extreme_paths(scenario: Scenario, order: list[str]) -> dict[str, tuple]:
    """Node -> ((min sum, a path), (max sum, a path)) from the start, for an acyclic graph."""
    best: dict[str, tuple] = {scenario.start: ((0, ()), (0, ()))}
    for node_id in order:
        (low, low_path), (high, high_path) = best[node_id]
        for choice in scenario.nodes[node_id].choices:
            step = (Step(node_id, choice.index),)
            cand_low = (low + choice.score, low_path + step)
            cand_high = (high + choice.score, high_path + step)
            if choice.next not in best:
                best[choice.next] = (cand_low, cand_high)
                continue
            cur_low, cur_high = best[choice.next]
            best[choice.next] = (
                cand_low if cand_low[0] < cur_low[0] else cur_low,
                cand_high if cand_high[0] > cur_high[0] else cur_high,
            )
    return best


def _shortest_paths(scenario: Scenario) -> dict[str, tuple[Step, ...]]:
    paths: dict[str, tuple[Step, ...]] = {scenario.start: ()}
    todo = deque([scenario.start])
    while todo:
        node_id = todo.popleft()
        for choice in scenario.nodes[node_id].choices:
            if choice.next not in paths:
                paths[choice.next] = paths[node_id] + (Step(node_id, choice.index),)
                todo.append(choice.next)
    return paths


def score_ranges(scenario: Scenario) -> dict[str, EndReach]:
    """End id -> the lowest and highest score a run reaching it can have.

    Exact for the built-in modes: in ``sum`` mode (always acyclic) the score grows with
    the sum of choice scores, so the runs with the smallest and largest sums to an end
    are its extremes; in ``end`` mode the score is the end's own, whatever the run, so
    one run per end (the shortest) is enough, which also works when cycles are allowed.
    """
    mode = SCORING_MODES[scenario.scoring]
    order = _topological_order(scenario)
    if order is not None:
        witnesses = {
            n: (low_path, high_path)
            for n, ((_, low_path), (_, high_path)) in _extreme_paths(scenario, order).items()
        }
    else:
        witnesses = {n: (p, p) for n, p in _shortest_paths(scenario).items()}
    ranges: dict[str, EndReach] = {}
    for node_id, (low_path, high_path) in witnesses.items():
        node = scenario.nodes[node_id]
        if not node.is_end:
            continue
        low = mode.score(scenario, low_path, node)
        high = mode.score(scenario, high_path, node)
        if low > high:  # a mode where a bigger sum scores less: keep the names honest
            low, high, low_path, high_path = high, low, high_path, low_path
        ranges[node_id] = EndReach(node_id, node.outcome or "", low, low_path, high, high_path)
    return ranges


def outcome_problems(scenario: Scenario, pass_mark: int) -> list[Problem]:
    """Every way the ends' labels contradict the scores, located at the end's ``end:`` key.

    * a ``poor`` end some run reaches with a score of at least ``pass_mark``;
    * a ``good`` end some run reaches with a score below ``pass_mark``;
    * a worse-labelled end some run reaches with a higher score than another run reaches
      a better-labelled end with (reported once per worse end, against the better end
      that can score lowest).
    """
    ranges = score_ranges(scenario)
    index = {node_id: i for i, node_id in enumerate(scenario.nodes)}
    problems: list[Problem] = []

    def at(end: EndReach, message: str) -> None:
        problems.append(Problem(("nodes", index[end.end_id], "end"), message))

    for end in ranges.values():
        if end.outcome == "poor" and end.high >= pass_mark:
            at(
                end,
                f"end {end.end_id!r} is labelled poor, but a run reaches it with {end.high}, "
                f"which passes (pass mark {pass_mark}): {describe_path(end.high_path)}",
            )
        if end.outcome == "good" and end.low < pass_mark:
            at(
                end,
                f"end {end.end_id!r} is labelled good, but a run reaches it with {end.low}, "
                f"which fails (pass mark {pass_mark}): {describe_path(end.low_path)}",
            )
    for worse in ranges.values():
        better = [
            b
            for b in ranges.values()
            if OUTCOME_RANK.get(b.outcome, 0) > OUTCOME_RANK.get(worse.outcome, 0)
            and b.low < worse.high
        ]
        if not better:
            continue
        b = min(better, key=lambda e: (e.low, index[e.end_id]))
        at(
            worse,
            f"end {worse.end_id!r} ({worse.outcome}) can score {worse.high} "
            f"({describe_path(worse.high_path)}) but end {b.end_id!r} ({b.outcome}) can "
            f"score as little as {b.low} ({describe_path(b.low_path)}): a worse ending "
            f"must never outscore a better one",
        )
    return problems


def whole_scenario_problems(scenario: Scenario) -> list[Problem]:
    """The checks ``validate_scenario`` runs once the scenario parses, in this order:
    ``sum`` scoring needs a path with a positive sum, the pass mark must be reachable,
    and the ends' labels must agree with the scores (:func:`outcome_problems`)."""
    if scenario.scoring == "sum" and max_sum(scenario) == 0:
        return [
            Problem(
                ("scoring",),
                "scoring 'sum' needs a choice with a positive score on "
                "some path (every path scores 0)",
            )
        ]
    best = best_path_score(scenario)
    if best < scenario.pass_mark:
        return [
            Problem(
                ("pass_mark",),
                f"pass_mark {scenario.pass_mark} cannot be reached: the best run scores {best}",
            )
        ]
    return outcome_problems(scenario, scenario.pass_mark)


# --------------------------------------------------------------------------- strategies

Pick = Callable[[Node], int]


def _longest(node: Node) -> int:
    # The first of equally long choices, so the strategy is deterministic.
    return max(range(len(node.choices)), key=lambda i: (len(node.choices[i].text), -i))


#: Fixed ways to play without reading, by name: each picks a choice index at every node.
STRATEGIES: Mapping[str, Pick] = {
    "always the first choice": lambda node: 0,
    "always the last choice": lambda node: len(node.choices) - 1,
    "always the longest choice": _longest,
}


def play_strategy(scenario: Scenario, pick: Pick) -> tuple[tuple[Step, ...], Node]:
    """The run ``pick`` makes from the start, and the node it stops at.

    The run stops at an end, or at the first node it would visit twice (a strategy that
    loops never finishes; the returned node is then not an end).
    """
    node = scenario.nodes[scenario.start]
    path: list[Step] = []
    seen = {node.id}
    while not node.is_end:
        choice = node.choices[pick(node)]
        path.append(Step(node.id, choice.index))
        if choice.next in seen:
            break
        seen.add(choice.next)
        node = scenario.nodes[choice.next]
    return tuple(path), node


def strategy_score(scenario: Scenario, pick: Pick) -> tuple[int, bool, tuple[Step, ...]]:
    """(score, finished, run) for the strategy ``pick``; an unfinished run scores 0."""
    path, node = play_strategy(scenario, pick)
    if not node.is_end:
        return 0, False, path
    return SCORING_MODES[scenario.scoring].score(scenario, path, node), True, path
