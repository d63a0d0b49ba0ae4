"""The scenario model: scenarios, nodes, choices, runs and results, and the
registries of node kinds and scoring modes (ids stored in files: never rename one)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.domain.problems import PathPart, Problem
from lms.domain.registry import Registry

OUTCOMES = ("good", "acceptable", "poor")
FEEDBACK_MODES = ("immediate", "end")

MIN_CHOICES = 2
MAX_CHOICES = 4
MAX_CHOICE_SCORE = 10
MAX_END_SCORE = 100


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


NODE_KINDS: Registry[NodeKind] = Registry("node kind")
SCORING_MODES: Registry[ScoringMode] = Registry("scoring mode")
DEFAULT_NODE_KIND = "choice"


def register_node_kind(kind: NodeKind) -> NodeKind:
    """Add ``kind`` to ``NODE_KINDS``; ``ValueError`` if its id or marker is taken."""
    if kind.id in NODE_KINDS:
        NODE_KINDS.register(kind.id, kind)  # raises: the id is taken
    for other in NODE_KINDS.values():
        if other.marker == kind.marker:
            raise ValueError(
                f"node kind {kind.id!r} has the same marker as {other.id!r}: {kind.marker!r}"
            )
    return NODE_KINDS.register(kind.id, kind)


def register_scoring_mode(mode: ScoringMode) -> ScoringMode:
    """Add ``mode`` to ``SCORING_MODES``; ``ValueError`` if its id is taken."""
    return SCORING_MODES.register(mode.id, mode)


def node_kind_of(raw_node: Mapping[str, Any]) -> NodeKind:
    """The kind of a raw node: the first kind whose marker key it has, else the default."""
    for kind in NODE_KINDS.values():
        if kind.marker is not None and kind.marker in raw_node:
            return kind
    return NODE_KINDS[DEFAULT_NODE_KIND]
