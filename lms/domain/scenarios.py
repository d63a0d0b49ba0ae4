"""Branching scenarios: validation, parsing, play and scoring, all pure.

A scenario is a small graph kept close to H5P's Branching Scenario so that an importer
can map between the two: *choice* nodes (a situation and 2 to 4 choices, each with a
score, feedback and the policy section it exercises) link by ``next`` ids to other nodes,
and *end* nodes (an outcome, a score and a debrief) finish a run. The YAML format is
described in ``docs/course-format.md``, section "Scenario files"; this module takes that
YAML already parsed into dicts and lists.

Play is server-side and stateless: a run is nothing but its *path*, the tuple of
``Step(node_id, choice_index)`` taken so far from the start. Every function here
recomputes what it needs (current node, result, score) from the scenario and the path,
so a stored path can always be replayed and checked, and a stale or forged form post
is caught by comparing it with the path rather than trusted.

Node kinds and scoring modes are registries keyed by stable ids (the ids are stored in
course files and the database, so never rename one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from lms.domain.checks import QUOTED, Checks, is_int, is_text
from lms.domain.problems import PathPart, Problem

OUTCOMES = ("good", "acceptable", "poor")
FEEDBACK_MODES = ("immediate", "end")

MIN_CHOICES = 2
MAX_CHOICES = 4
MAX_CHOICE_SCORE = 10
MAX_END_SCORE = 100

_SLUG = re.compile(r"[a-z0-9-]+")

# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Choice:
    """One option of a choice node. ``index`` is its 0-based position in the file."""

    index: int
    text: str
    next: str
    score: int
    feedback: str
    section: str


@dataclass(frozen=True)
class Node:
    """A node of the scenario graph.

    ``kind`` is a key of ``NODE_KINDS``. Choice nodes have ``choices`` and no outcome;
    end nodes have an ``outcome`` (one of ``OUTCOMES``), an optional ``end_score`` and an
    optional ``debrief``, and no choices.
    """

    id: str
    kind: str
    text: str
    choices: tuple[Choice, ...] = ()
    outcome: str | None = None
    end_score: int | None = None
    debrief: str | None = None

    @property
    def is_end(self) -> bool:
        """True when reaching this node finishes the run."""
        return NODE_KINDS[self.kind].is_end


@dataclass(frozen=True)
class Scenario:
    """A parsed, valid scenario. ``nodes`` is keyed by node id, in file order."""

    id: str
    title: str
    summary: str
    start: str
    scoring: str
    pass_mark: int
    feedback_mode: str
    allow_cycles: bool
    # A read-only mapping is not hashable; leaving it out of the hash keeps the
    # dataclass usable as a cache key (ids and settings still distinguish scenarios).
    nodes: Mapping[str, Node] = field(hash=False)

    def node(self, node_id: str) -> Node:
        """The node with ``node_id`` (``KeyError`` if there is none)."""
        return self.nodes[node_id]


@dataclass(frozen=True)
class Step:
    """One decision of a run: at node ``node_id`` the learner took choice ``choice_index``."""

    node_id: str
    choice_index: int


@dataclass(frozen=True)
class Decision:
    """One decision of a run, spelled out for the result page and the debrief."""

    node_id: str
    node_text: str
    choice_text: str
    feedback: str
    score: int
    section: str


@dataclass(frozen=True)
class ScenarioResult:
    """Where a run stands, computed only from the scenario and the path.

    ``score`` is 0..100 under the scenario's scoring mode (0 for an unfinished run in
    ``end`` mode; the normalised sum so far in ``sum`` mode). ``passed`` needs the run
    to be finished. ``outcome``, ``end_node_id`` and ``debrief`` are None until an end
    is reached. ``pass_mark`` is the mark that was applied (the override if given).
    """

    finished: bool
    outcome: str | None
    score: int
    passed: bool
    decisions: tuple[Decision, ...]
    end_node_id: str | None
    debrief: str | None
    pass_mark: int


class ScenarioError(ValueError):
    """A choice or stored path that does not fit the scenario."""


class StaleChoice(ScenarioError):
    """The posted node is not the current node: the page was out of date.

    Typically the back button or a second tab; the right response is to show the current
    node again, not an error page.
    """


class InvalidChoice(ScenarioError):
    """The choice or path does not exist in the graph: forged or corrupt input."""


# --------------------------------------------------------------------------- registries


@dataclass(frozen=True)
class NodeContext:
    """What a node kind's validator may need beyond the node itself."""

    node_id: str | None
    section_ids: frozenset[str]
    scoring: str | None  # the scenario's scoring mode id, None when invalid


@dataclass(frozen=True)
class NodeKind:
    """A kind of node.

    ``marker`` is the key whose presence in a raw node selects this kind (``end`` for end
    nodes); the kind with ``marker=None`` is the default. ``validate`` returns problems
    with paths relative to the node and must not check the node's ``id`` (common to all
    kinds) nor whether ``next`` targets exist. ``edges`` returns the node's outgoing
    references as ``(path relative to the node, target id)`` pairs, or None when they
    cannot be read (the validator reports why); the graph checks need it. ``parse``
    builds the ``Node`` from valid raw data.
    """

    id: str
    marker: str | None
    is_end: bool
    validate: Callable[[Mapping[str, Any], NodeContext], list[Problem]]
    edges: Callable[[Mapping[str, Any]], list[tuple[tuple[PathPart, ...], str]] | None]
    parse: Callable[[Mapping[str, Any]], Node]


@dataclass(frozen=True)
class ScoringMode:
    """A way to turn a run into a 0..100 score.

    ``score(scenario, path, current)`` scores a replayed path whose current node is
    ``current``; ``best(scenario)`` is the best score any run can get. ``allows_cycles``
    False makes validation reject the mode with ``allow_cycles: true``;
    ``needs_end_scores`` makes ``score`` required on end nodes, and without it a
    ``score`` on an end node is refused (it would be ignored).
    """

    id: str
    description: str
    score: Callable[[Scenario, tuple[Step, ...], Node], int]
    best: Callable[[Scenario], int]
    allows_cycles: bool = True
    needs_end_scores: bool = False


NODE_KINDS: dict[str, NodeKind] = {}
SCORING_MODES: dict[str, ScoringMode] = {}
DEFAULT_NODE_KIND = "choice"


def register_node_kind(kind: NodeKind) -> NodeKind:
    """Add ``kind`` to ``NODE_KINDS``; ``ValueError`` if its id or marker is taken."""
    if kind.id in NODE_KINDS:
        raise ValueError(f"node kind {kind.id!r} is already registered")
    for other in NODE_KINDS.values():
        if other.marker == kind.marker:
            raise ValueError(
                f"node kind {kind.id!r} has the same marker as {other.id!r}: {kind.marker!r}"
            )
    NODE_KINDS[kind.id] = kind
    return kind


def register_scoring_mode(mode: ScoringMode) -> ScoringMode:
    """Add ``mode`` to ``SCORING_MODES``; ``ValueError`` if its id is taken."""
    if mode.id in SCORING_MODES:
        raise ValueError(f"scoring mode {mode.id!r} is already registered")
    SCORING_MODES[mode.id] = mode
    return mode


def node_kind_of(raw_node: Mapping[str, Any]) -> NodeKind:
    """The kind of a raw node: the first kind whose marker key it has, else the default."""
    for kind in NODE_KINDS.values():
        if kind.marker is not None and kind.marker in raw_node:
            return kind
    return NODE_KINDS[DEFAULT_NODE_KIND]


# --------------------------------------------------------------------------- node kinds

_CHOICE_NODE_KEYS = ("id", "text", "choices", "shuffle")
_CHOICE_KEYS = ("text", "next", "score", "feedback", "section")
_END_NODE_KEYS = ("id", "end", "score", "text", "debrief")


def _validate_choice_node(raw: Mapping[str, Any], ctx: NodeContext) -> list[Problem]:
    checks = Checks(QUOTED, null_is_absent=False)
    checks.unknown_keys(raw, _CHOICE_NODE_KEYS)
    checks.boolean(raw, "shuffle")
    checks.text(raw, "text")
    name = f"node {ctx.node_id!r}" if ctx.node_id else "this node"
    choices = raw.get("choices")
    if choices is None or (isinstance(choices, list) and not choices):
        checks.add(
            ("choices",),
            f"{name} has no choices and no `end:`: a dead end (give it {MIN_CHOICES} to "
            f"{MAX_CHOICES} choices, or make it an end)",
        )
        return checks.problems
    if not isinstance(choices, list):
        checks.add(
            ("choices",), f"'choices' must be a list of {MIN_CHOICES} to {MAX_CHOICES} choices"
        )
        return checks.problems
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        plural = "choice" if len(choices) == 1 else "choices"
        checks.add(
            ("choices",),
            f"{name} has {len(choices)} {plural}; a situation needs {MIN_CHOICES} to "
            f"{MAX_CHOICES}",
        )
    for j, raw_choice in enumerate(choices):
        _check_choice(checks, raw_choice, ("choices", j), ctx.section_ids)
    return checks.problems


def _check_choice(
    checks: Checks, raw: Any, base: tuple[PathPart, ...], section_ids: Collection[str]
) -> None:
    if not isinstance(raw, Mapping):
        checks.add(base, "a choice must be a mapping with text, next, score, feedback and section")
        return
    checks.unknown_keys(raw, _CHOICE_KEYS, base)
    checks.text(raw, "text", base)
    # Whether `next` names a node is checked by validate_scenario, which knows all ids.
    checks.text(raw, "next", base)
    checks.integer(raw, "score", base, low=0, high=MAX_CHOICE_SCORE, required=True)
    checks.text(raw, "feedback", base)
    checks.section(raw, "section", section_ids, base)


def _choice_node_edges(raw: Mapping[str, Any]) -> list[tuple[tuple[PathPart, ...], str]] | None:
    choices = raw.get("choices")
    if choices is None:
        return []  # a dead end: reported by the validator, harmless to the graph checks
    if not isinstance(choices, list):
        return None
    edges: list[tuple[tuple[PathPart, ...], str]] = []
    for j, raw_choice in enumerate(choices):
        if not isinstance(raw_choice, Mapping) or not is_text(raw_choice.get("next")):
            return None
        edges.append((("choices", j, "next"), raw_choice["next"]))
    return edges


def _parse_choice_node(raw: Mapping[str, Any]) -> Node:
    return Node(
        id=raw["id"],
        kind="choice",
        text=raw["text"],
        choices=tuple(
            Choice(
                index=j,
                text=c["text"],
                next=c["next"],
                score=c["score"],
                feedback=c["feedback"],
                section=c["section"],
            )
            for j, c in enumerate(raw["choices"])
        ),
    )


def _validate_end_node(raw: Mapping[str, Any], ctx: NodeContext) -> list[Problem]:
    checks = Checks(QUOTED, null_is_absent=False)
    # Say what is wrong with choices rather than "unknown key": the author mixed up kinds.
    mixed_up = {"choices": "an end node cannot have choices (remove `end:` or the choices)"}
    checks.unknown_keys(raw, _END_NODE_KEYS, instead=mixed_up)
    checks.one_of(raw, "end", OUTCOMES)
    mode = SCORING_MODES.get(ctx.scoring) if ctx.scoring is not None else None
    if mode is not None and not mode.needs_end_scores and "score" in raw:
        # A score the mode never reads would be silently ignored: refuse it instead.
        checks.add(
            ("score",),
            f"end scores are not used with scoring {mode.id!r} ({mode.description}): "
            f"remove `score`, or use `scoring: end`",
        )
    else:
        required = mode is not None and mode.needs_end_scores
        checks.integer(raw, "score", low=0, high=MAX_END_SCORE, required=required)
    checks.text(raw, "text")
    checks.text(raw, "debrief", required=False)
    return checks.problems


def _parse_end_node(raw: Mapping[str, Any]) -> Node:
    return Node(
        id=raw["id"],
        kind="end",
        text=raw["text"],
        outcome=raw["end"],
        end_score=raw.get("score"),
        debrief=raw.get("debrief"),
    )


register_node_kind(
    NodeKind(
        id="choice",
        marker=None,
        is_end=False,
        validate=_validate_choice_node,
        edges=_choice_node_edges,
        parse=_parse_choice_node,
    )
)
register_node_kind(
    NodeKind(
        id="end",
        marker="end",
        is_end=True,
        validate=_validate_end_node,
        edges=lambda raw: [],  # an end's choices (an error) lead nowhere
        parse=_parse_end_node,
    )
)


# --------------------------------------------------------------------------- graph helpers


def _successors(scenario: Scenario, node_id: str) -> list[str]:
    node = scenario.nodes[node_id]
    if node.is_end:
        return []
    # Two choices may lead to the same node; the graph needs each edge once.
    return list(dict.fromkeys(c.next for c in node.choices))


def _reachable(succ: Mapping[str, Sequence[str]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(succ[node])
    return seen


def _find_cycles(succ: Mapping[str, Sequence[str]], roots: Sequence[str]) -> list[list[str]]:
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


def _can_reach_end(succ: Mapping[str, Sequence[str]], ends: Collection[str]) -> set[str]:
    preds: dict[str, list[str]] = {node: [] for node in succ}
    for node, targets in succ.items():
        for target in targets:
            preds[target].append(node)
    return _reachable(preds, ends)


# --------------------------------------------------------------------------- validation

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
    :func:`lms.domain.scenario_outcomes.outcome_problems`) run only when nothing else is
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
            "missing 'nodes'" if "nodes" not in raw else "'nodes' must be a non-empty list of nodes",
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
    problems = checks.problems + _graph_problems(succ, ends, ids, raw["start"], allow_cycles)
    if problems:
        return problems
    # Imported here: the checks on a parsed scenario's scores build on this module's model.
    from lms.domain.scenario_outcomes import whole_scenario_problems

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


def _graph_problems(
    succ: Mapping[str, list[str]],
    ends: list[str],
    index: Mapping[str, int],
    start: str,
    allow_cycles: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    if not ends:
        problems.append(
            Problem(
                ("nodes",),
                "the scenario has no end node: mark at least one "
                "node with `end: good|acceptable|poor`",
            )
        )
    reachable = _reachable(succ, [start])
    for node_id in index:
        if node_id not in reachable:
            problems.append(
                Problem(
                    ("nodes", index[node_id]), f"node {node_id!r} is not reachable from the start"
                )
            )
    if not allow_cycles:
        # Search from the start first, so cycles are named the way a learner meets them.
        for cycle in _find_cycles(succ, [start, *index]):
            loop = " -> ".join([*cycle, cycle[0]])
            problems.append(
                Problem(
                    ("nodes", index[cycle[0]]),
                    f"cycle {loop} (set allow_cycles: true to allow loops)",
                )
            )
    if ends:
        # Without any end every node is trapped; "no end node" already says it all.
        finishing = _can_reach_end(succ, ends)
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


# --------------------------------------------------------------------------- graph queries


def reachable_ends(scenario: Scenario) -> set[str]:
    """Ids of the end nodes some run from the start can reach."""
    succ = {node_id: _successors(scenario, node_id) for node_id in scenario.nodes}
    return {n for n in _reachable(succ, [scenario.start]) if scenario.nodes[n].is_end}


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
    stack: list[tuple[str, Any]] = [(scenario.start, iter(_successors(scenario, scenario.start)))]
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
            stack.append((target, iter(_successors(scenario, target))))
    result = best[scenario.start]
    if result is None:
        raise ValueError(f"scenario {scenario.id!r} has no reachable end")
    return result


def best_path_score(scenario: Scenario) -> int:
    """The best 0..100 score any run can get under the scenario's scoring mode."""
    return SCORING_MODES[scenario.scoring].best(scenario)


# --------------------------------------------------------------------------- scoring modes


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


register_scoring_mode(
    ScoringMode(
        id="end",
        description="the score of the end reached",
        score=_end_mode_score,
        best=_end_mode_best,
        allows_cycles=True,
        needs_end_scores=True,
    )
)
register_scoring_mode(
    ScoringMode(
        id="sum",
        description="the chosen choices' scores, as a percentage of the best path's sum",
        score=_sum_mode_score,
        best=_sum_mode_best,
        allows_cycles=False,
    )
)


# --------------------------------------------------------------------------- play


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
