"""Course translations as values: what can be translated, how a translation is checked,
and when it is stale. Pure: the files are read by ``lms.courses.translations``.

A course's translatable text is a list of :class:`SourceItem`: the course's title and
summary, each module's title, each fact, the policy's title and preamble, each policy
section, each lesson, each question, each scenario's title and summary, and each scenario
node. An item's ``source_hash`` is the first 12 hex digits of the SHA-256 of its source
text; a translated item records the hash it was translated from, so a changed source
makes exactly the items built on it stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lms.domain.problems import Problem

HASH_LENGTH = 12

#: The text fields a translation of each kind of item may give, and the structure keys a
#: translation must never contain (they live only in the source language).
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "course": ("title", "summary"),
    "module": ("title",),
    "fact": ("text",),
    "preamble": ("title", "body"),
    "section": ("title", "body"),
    "lesson": ("body",),
    "question": ("prompt", "feedback", "choices", "pairs", "distractors"),
    "scenario": ("title", "summary"),
    "node": ("text", "debrief", "choices"),
}
STRUCTURE_KEYS = frozenset(
    {
        "type",
        "section",
        "sections",
        "correct",
        "answer",
        "scoring",
        "facts",
        "score",
        "next",
        "end",
        "start",
        "pass_mark",
        "required",
        "file",
        "questions",
        "draw",
        "max_attempts",
        "cooldown_minutes",
        "feedback_mode",
        "allow_cycles",
        "shuffle",
        "certification",
        "policy",
    }
)
STATUSES = ("up_to_date", "stale", "missing")


@dataclass(frozen=True)
class SourceItem:
    """One translatable unit of a course, as the source language has it."""

    kind: str
    key: str
    group: str  # the policy section it belongs to, "course", or "scenario:<id>"
    text: Mapping[str, Any] = field(hash=False)

    @property
    def source_hash(self) -> str:
        canonical = json.dumps(self.text, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class TranslatedItem:
    """One item of a translation file: its text fields, the hash it was translated from
    (``None`` when never stamped) and where it was written."""

    kind: str
    key: str
    text: Mapping[str, Any] = field(hash=False)
    source_hash: str | None
    path: str
    line: int


def _list_shape(name: str, source: Sequence, given: Any, item_keys: Sequence[str]) -> list[Problem]:
    if not isinstance(given, list):
        return [Problem((name,), f"{name} must be a list (the source has {len(source)})")]
    if len(given) != len(source):
        return [
            Problem(
                (name,),
                f"{name} has {len(given)} entries; the source has {len(source)}, in the same order",
            )
        ]
    problems = []
    for i, (s, g) in enumerate(zip(source, given, strict=True)):
        if isinstance(s, str):
            if not isinstance(g, str) or not g.strip():
                problems.append(Problem((name, i), f"{name} entry {i + 1} must be text"))
            continue
        if not isinstance(g, Mapping):
            problems.append(Problem((name, i), f"{name} entry {i + 1} must be a mapping"))
            continue
        for key in g:
            if key not in item_keys:
                problems.append(Problem((name, i, key), _unexpected(key, f"{name} entry")))
        for key in item_keys:
            if key in s and not (isinstance(g.get(key), str) and g[key].strip()):
                problems.append(Problem((name, i, key), f"{name} entry {i + 1} needs its {key!r}"))
    return problems


def _unexpected(key: str, where: str) -> str:
    if key in STRUCTURE_KEYS:
        return (
            f"{key!r} is structure, which only the source language sets: remove it from "
            f"the translation"
        )
    return f"unknown key {key!r} in a translated {where}"


def check_item(source: SourceItem, given: TranslatedItem) -> list[Problem]:
    """What is wrong with a translated item against its source: structure in it, unknown
    keys, text the source has and the translation lacks, lists of another length."""
    allowed = TEXT_FIELDS[source.kind]
    problems = []
    for key in given.text:
        if key not in allowed:
            problems.append(Problem((key,), _unexpected(key, source.kind)))
    for key in allowed:
        if key not in source.text:
            continue
        value, original = given.text.get(key), source.text[key]
        if isinstance(original, list):
            sub = {"choices": ("text", "feedback"), "pairs": ("left", "right")}.get(key, ())
            if key in given.text:
                problems += _list_shape(key, original, value, sub)
            elif original:
                problems.append(Problem((key,), f"the translation lacks {key!r}"))
        elif original and not (isinstance(value, str) and value.strip()):
            problems.append(Problem((key,), f"the translation lacks {key!r}"))
    return problems


def status_of(source: SourceItem, given: TranslatedItem | None) -> str:
    """``up_to_date``, ``stale`` (the source changed since it was translated, or it was
    never stamped) or ``missing``."""
    if given is None:
        return "missing"
    return "up_to_date" if given.source_hash == source.source_hash else "stale"


def merged(source: SourceItem, given: TranslatedItem | None) -> dict[str, Any]:
    """The item's text in the translation, field by field, the source where it has none."""
    text = dict(source.text)
    if given is None:
        return text
    for key in TEXT_FIELDS[source.kind]:
        value = given.text.get(key)
        if isinstance(value, str) and value.strip():
            text[key] = value
        elif (
            isinstance(value, list)
            and isinstance(text.get(key), list)
            and len(value) == len(text[key])
        ):
            text[key] = [
                (
                    {**s, **{k: v for k, v in g.items() if isinstance(v, str) and v.strip()}}
                    if isinstance(s, Mapping) and isinstance(g, Mapping)
                    else (g or s)
                )
                for s, g in zip(text[key], value, strict=True)
            ]
    return text


def summary_by_group(statuses: Mapping[tuple[str, str], tuple[str, str]]) -> dict[str, str]:
    """Per group (policy section, "course", "scenario:<id>"): the worst status of its items
    (``statuses`` maps ``(kind, key)`` to ``(group, status)``)."""
    rank = {"up_to_date": 0, "stale": 1, "missing": 2}
    worst: dict[str, str] = {}
    for group, status in statuses.values():
        if group not in worst or rank[status] > rank[worst[group]]:
            worst[group] = status
    return worst
