"""The built-in node kinds: ``choice`` (a situation and 2 to 4 choices) and ``end``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from lms.domain.checks import QUOTED, Checks, is_text
from lms.domain.problems import PathPart, Problem
from lms.domain.scenarios.model import (
    MAX_CHOICE_SCORE,
    MAX_CHOICES,
    MAX_END_SCORE,
    MIN_CHOICES,
    OUTCOMES,
    SCORING_MODES,
    Choice,
    Node,
    NodeContext,
    NodeKind,
    register_node_kind,
)

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
            f"{name} has {len(choices)} {plural}; a situation needs {MIN_CHOICES} to {MAX_CHOICES}",
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


#: The default kind: a situation with choices.
CHOICE_KIND = register_node_kind(
    NodeKind(
        id="choice",
        marker=None,
        is_end=False,
        validate=_validate_choice_node,
        edges=_choice_node_edges,
        parse=_parse_choice_node,
    )
)
#: A node that finishes the run, with an outcome.
END_KIND = register_node_kind(
    NodeKind(
        id="end",
        marker="end",
        is_end=True,
        validate=_validate_end_node,
        edges=lambda raw: [],  # an end's choices (an error) lead nowhere
        parse=_parse_end_node,
    )
)
