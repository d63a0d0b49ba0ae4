"""Graph code on scenarios: reachability, cycles, every path, and the best sum."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from lms.domain.problems import Problem
from lms.domain.scenarios.model import (
    Scenario,
    Step,
)


def successors(scenario: Scenario, node_id: str) -> list[str]:
    """The ids a node leads to, each once, in choice order (none for an end)."""
    node = scenario.nodes[node_id]
    if node.is_end:
        return []
    # Two choices may lead to the same node; the graph needs each edge once.
    return list(dict.fromkeys(c.next for c in node.choices))


def reachable(succ: Mapping[str, Sequence[str]], roots: Iterable[str]) -> set[str]:
    """Every node reachable from ``roots`` (included) along ``succ``."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(succ[node])
    return seen


def find_cycles(succ: Mapping[str, Sequence[str]], roots: Sequence[str]) -> list[list[str]]:
    """Every cycle closed by a back edge of a depth-first search from ``roots`` in order.

    Each cycle is listed from the node the back edge returns to (the first node of the
    cycle seen from the start), following the search. Iterative, so a long chain cannot
    hit the recursion limit.
    """
    state: dict[str, int] = {}  # 1: on the current search path, 2: finished
    cycles: list[list[str]] = []
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        on_path = [root]
        stack = [iter(succ[root])]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                state[on_path.pop()] = 2
                stack.pop()
            elif target not in state:
                state[target] = 1
                on_path.append(target)
                stack.append(iter(succ[target]))
            elif state[target] == 1:
                cycles.append(on_path[on_path.index(target) :])
    return cycles


def can_reach_end(succ: Mapping[str, Sequence[str]], ends: Collection[str]) -> set[str]:
    """Every node from which some node of ``ends`` can be reached."""
    preds: dict[str, list[str]] = {node: [] for node in succ}
    for node, targets in succ.items():
        for target in targets:
            preds[target].append(node)
    return reachable(preds, ends)


def graph_problems(
    succ: Mapping[str, list[str]],
    ends: list[str],
    index: Mapping[str, int],
    start: str,
    allow_cycles: bool,
) -> list[Problem]:
    """The whole-graph problems of a scenario whose every node id and link is valid.

    No end at all, nodes not reachable from the start, cycles (unless allowed), and
    nodes from which no end can be reached; ``index`` maps node ids to file positions.
    """
    problems: list[Problem] = []
    if not ends:
        problems.append(
            Problem(
                ("nodes",),
                "the scenario has no end node: mark at least one "
                "node with `end: good|acceptable|poor`",
            )
        )
    seen = reachable(succ, [start])
    for node_id in index:
        if node_id not in seen:
            problems.append(
                Problem(
                    ("nodes", index[node_id]), f"node {node_id!r} is not reachable from the start"
                )
            )
    if not allow_cycles:
        # Search from the start first, so cycles are named the way a learner meets them.
        for cycle in find_cycles(succ, [start, *index]):
            loop = " -> ".join([*cycle, cycle[0]])
            problems.append(
                Problem(
                    ("nodes", index[cycle[0]]),
                    f"cycle {loop} (set allow_cycles: true to allow loops)",
                )
            )
    if ends:
        # Without any end every node is trapped; "no end node" already says it all.
        finishing = can_reach_end(succ, ends)
        for node_id in index:
            # A node with no edges at all is a dead end, already reported by its kind.
            if node_id not in finishing and succ[node_id]:
                problems.append(
                    Problem(
                        ("nodes", index[node_id]),
                        f"no end can be reached from node {node_id!r}: its "
                        f"paths go round in circles or stop at a dead end",
                    )
                )
    return problems


def reachable_ends(scenario: Scenario) -> set[str]:
    """Ids of the end nodes some run from the start can reach."""
    succ = {node_id: successors(scenario, node_id) for node_id in scenario.nodes}
    return {n for n in reachable(succ, [scenario.start]) if scenario.nodes[n].is_end}


def all_paths(scenario: Scenario, limit: int = 10000) -> list[tuple[Step, ...]]:
    """Every complete run from the start to an end that visits no node twice.

    For an acyclic scenario that is every possible run; with cycles, runs that go round
    a loop are left out (there would be infinitely many). Paths come in choice order.
    Raises ``ValueError`` when there are more than ``limit``, rather than silently
    returning only some: callers use this to prove every end is reachable.
    """
    paths: list[tuple[Step, ...]] = []
    # Each entry: (node id, path so far, ids on the path).
    todo: list[tuple[str, tuple[Step, ...], frozenset[str]]] = [
        (scenario.start, (), frozenset([scenario.start]))
    ]
    while todo:
        node_id, path, seen = todo.pop()
        node = scenario.nodes[node_id]
        if node.is_end:
            paths.append(path)
            if len(paths) > limit:
                raise ValueError(f"scenario {scenario.id!r} has more than {limit} paths")
            continue
        # Pushed in reverse so that the first choice is explored first.
        for choice in reversed(node.choices):
            if choice.next not in seen:
                todo.append(
                    (choice.next, path + (Step(node_id, choice.index),), seen | {choice.next})
                )
    return paths


def max_sum(scenario: Scenario) -> int:
    """The highest sum of choice scores over the runs from the start to an end.

    Defined only when no cycle is reachable from the start (``ValueError`` otherwise: a
    loop could be taken again and again) and some end is reachable.
    """
    # best[n]: best sum from n to an end, None when n cannot reach one. Computed in
    # post-order by an iterative search, which also spots cycles (a node met again while
    # still on the search path).
    best: dict[str, int | None] = {}
    on_path: set[str] = set()
    stack: list[tuple[str, Any]] = [(scenario.start, iter(successors(scenario, scenario.start)))]
    on_path.add(scenario.start)
    while stack:
        node_id, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            stack.pop()
            on_path.discard(node_id)
            node = scenario.nodes[node_id]
            if node.is_end:
                best[node_id] = 0
            else:
                sums = [c.score + best[c.next] for c in node.choices if best[c.next] is not None]
                best[node_id] = max(sums) if sums else None
        elif target in on_path:
            raise ValueError(f"scenario {scenario.id!r} has a cycle through {target!r}")
        elif target not in best:
            on_path.add(target)
            stack.append((target, iter(successors(scenario, target))))
    result = best[scenario.start]
    if result is None:
        raise ValueError(f"scenario {scenario.id!r} has no reachable end")
    return result
