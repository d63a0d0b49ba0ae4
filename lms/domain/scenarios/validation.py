"""Checking a raw scenario file, and parsing one that passed."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from lms.domain.checks import QUOTED, Checks, is_text
from lms.domain.problems import Problem
from lms.domain.scenarios.graph import (
    graph_problems,
)
from lms.domain.scenarios.model import (
    FEEDBACK_MODES,
    SCORING_MODES,
    NodeContext,
    Scenario,
    node_kind_of,
)
from lms.domain.scenarios.outcomes import whole_scenario_problems

_SLUG = re.compile(r"[a-z0-9-]+")

_TOP_KEYS = (
    "id",
    "title",
    "summary",
    "start",
    "scoring",
    "pass_mark",
    "feedback",
    "allow_cycles",
    "nodes",
)


def validate_scenario(raw: Any, section_ids: Collection[str]) -> list[Problem]:
    """Every problem with a parsed scenario file, with paths into ``raw``.

    ``section_ids`` are the policy section ids choices may name. Problems come in a
    fixed order: top-level keys, then node by node, then the graph checks (no end,
    unreachable nodes, cycles, nodes that cannot reach an end). The graph checks only
    run when every node has a unique id and ``start`` and every ``next`` name a node:
    with broken links they would only repeat the same mistake. Checks that need the
    whole scenario parsed (the best score can reach the pass mark; ``sum`` scoring has a
    positive best path; the ends' labels agree with the scores runs reach them with, see
    :func:`lms.domain.scenarios.outcomes.outcome_problems`) run only when nothing else is
    wrong.
    """
    if not isinstance(raw, Mapping):
        return [Problem((), "a scenario must be a mapping (id, title, start, nodes, ...)")]
    checks = Checks(QUOTED, null_is_absent=False)
    scoring, allow_cycles = _check_settings(checks, raw)
    nodes = raw.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        checks.add(
            ("nodes",),
            "missing 'nodes'"
            if "nodes" not in raw
            else "'nodes' must be a non-empty list of nodes",
        )
        nodes = None
    ids, id_problems = _node_ids(nodes or [])
    ids_ok = nodes is not None and not id_problems
    start_ok = _check_start(checks, raw, ids if ids_ok else None)
    ctx = NodeContext(node_id=None, section_ids=frozenset(section_ids), scoring=scoring)
    graph = _check_nodes(checks, nodes or [], id_problems, ids if ids_ok else None, ctx)
    if not (ids_ok and start_ok and graph is not None):
        return checks.problems
    succ, ends = graph
    problems = checks.problems + graph_problems(succ, ends, ids, raw["start"], allow_cycles)
    if problems:
        return problems
    return whole_scenario_problems(parse_scenario(raw))


def _check_settings(checks: Checks, raw: Mapping[str, Any]) -> tuple[str | None, bool]:
    """Check the top-level keys; return the scoring mode (None if invalid) and allow_cycles."""
    checks.unknown_keys(raw, _TOP_KEYS)
    if "id" not in raw:
        checks.add(("id",), "missing 'id'")
    elif not isinstance(raw["id"], str) or not _SLUG.fullmatch(raw["id"]):
        checks.add(("id",), f"'id' must be a slug of a-z, 0-9 and '-', not {raw['id']!r}")
    checks.text(raw, "title")
    checks.text(raw, "summary", required=False)

    scoring: str | None = None
    modes = ", ".join(SCORING_MODES)
    if "scoring" not in raw:
        checks.add(("scoring",), f"missing 'scoring' (one of: {modes})")
    elif not isinstance(raw["scoring"], str) or raw["scoring"] not in SCORING_MODES:
        checks.add(("scoring",), f"unknown scoring {raw['scoring']!r} (one of: {modes})")
    else:
        scoring = raw["scoring"]
    checks.integer(raw, "pass_mark", low=0, high=100, required=True)
    checks.one_of(raw, "feedback", FEEDBACK_MODES, hint=f" (one of: {', '.join(FEEDBACK_MODES)})")
    # An invalid value is judged by the safe default.
    allow_cycles = bool(checks.boolean(raw, "allow_cycles", default=False))
    if scoring is not None and allow_cycles and not SCORING_MODES[scoring].allows_cycles:
        checks.add(
            ("scoring",),
            f"scoring {scoring!r} cannot be used with allow_cycles: true (a loop could be "
            f"taken forever, so there is no best score)",
        )
    return scoring, allow_cycles


def _node_ids(nodes: list[Any]) -> tuple[dict[str, int], dict[int, list[Problem]]]:
    """Each usable node id with its index, and the id problems by node index.

    Ids are collected first: references are checked against all of them, and a node
    with no usable id makes every reference check unreliable (it may be the intended
    target), as does a duplicated id (the target is ambiguous).
    """
    ids: dict[str, int] = {}
    problems: dict[int, list[Problem]] = {}
    for i, raw_node in enumerate(nodes):
        path = ("nodes", i, "id")
        if not isinstance(raw_node, Mapping):
            problems[i] = [Problem(("nodes", i), "a node must be a mapping")]
        elif "id" not in raw_node:
            problems[i] = [Problem(path, "missing 'id'")]
        elif not is_text(raw_node["id"]):
            problems[i] = [Problem(path, f"'id' must be non-empty text, not {raw_node['id']!r}")]
        elif raw_node["id"] in ids:
            first = ids[raw_node["id"]] + 1
            problems[i] = [
                Problem(path, f"duplicate node id {raw_node['id']!r} (first used by node {first})")
            ]
        else:
            ids[raw_node["id"]] = i
    return ids, problems


def _check_start(checks: Checks, raw: Mapping[str, Any], ids: Mapping[str, int] | None) -> bool:
    """Check ``start``; True when it names a node (``ids`` is None when ids are unreliable)."""
    start = raw.get("start")
    if "start" not in raw:
        checks.add(("start",), "missing 'start' (the id of the first node)")
    elif not is_text(start):
        checks.add(("start",), f"'start' must be a node id, not {start!r}")
    elif ids is not None and start not in ids:
        checks.add(("start",), f"start {start!r} is not a node id")
    else:
        return True
    return False


def _check_nodes(
    checks: Checks,
    nodes: list[Any],
    id_problems: Mapping[int, list[Problem]],
    ids: Mapping[str, int] | None,
    ctx: NodeContext,
) -> tuple[dict[str, list[str]], list[str]] | None:
    """Check node by node; return the graph (successors, ends), None if it cannot be read.

    ``ids`` is None when the node ids are unreliable: references are then not checked.
    """
    succ: dict[str, list[str]] = {}
    ends: list[str] = []
    readable = True
    for i, raw_node in enumerate(nodes):
        checks.problems += id_problems.get(i, [])
        if not isinstance(raw_node, Mapping):
            continue
        kind = node_kind_of(raw_node)
        node_id = raw_node.get("id") if is_text(raw_node.get("id")) else None
        checks.extend(kind.validate(raw_node, replace(ctx, node_id=node_id)), "nodes", i)
        edges = kind.edges(raw_node)
        if edges is None:
            readable = False
            continue
        dangling = [(rel, t) for rel, t in edges if ids is not None and t not in ids]
        for rel, target in dangling:
            checks.add(("nodes", i) + rel, f"next {target!r} is not a node id")
        readable = readable and not dangling
        if node_id is not None:
            succ[node_id] = list(dict.fromkeys(target for _, target in edges))
            if kind.is_end:
                ends.append(node_id)
    return (succ, ends) if readable else None


def parse_scenario(raw: Mapping[str, Any]) -> Scenario:
    """Build a ``Scenario`` from raw data that ``validate_scenario`` accepted."""
    nodes = {raw_node["id"]: node_kind_of(raw_node).parse(raw_node) for raw_node in raw["nodes"]}
    return Scenario(
        id=raw["id"],
        title=raw["title"],
        summary=raw.get("summary", ""),
        start=raw["start"],
        scoring=raw["scoring"],
        pass_mark=raw["pass_mark"],
        feedback_mode=raw["feedback"],
        allow_cycles=raw.get("allow_cycles", False),
        nodes=MappingProxyType(nodes),
    )
