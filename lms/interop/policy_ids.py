"""Stable section ids for an imported policy, and what changed on a re-import.

A new section's id is made from its title (``Personal accounts`` -> ``personal-accounts``).
On a re-import every section of the new document is matched to a section of the current
policy.md, so its id survives:

1. a section whose document names its id (``{#id}`` in Markdown) keeps that id;
2. a section whose title is unchanged (ignoring case, spacing and numbering) keeps its id;
3. a renamed section is recognised by its text: the remaining pairs are matched best
   first by text similarity (at least :data:`SAME_TEXT`), helped by title similarity;
4. anything left is new (its id made from its title, never reusing an old id) or removed.

Each section gets a status: ``unchanged``, ``changed`` (its title, its text or both),
``new`` or ``removed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from lms.interop.policy_import import PolicySection

SAME_TEXT = 0.6  # text similarity from which a renamed section counts as the same one
MAX_ID = 48


@dataclass(frozen=True)
class OldSection:
    """A section of the current policy.md."""

    key: str
    title: str
    body: str


@dataclass(frozen=True)
class SectionChange:
    """What happened to one section; ``old_title`` is set when the title changed."""

    key: str
    title: str
    status: str  # unchanged | changed | new | removed
    title_changed: bool = False
    text_changed: bool = False
    old_title: str | None = None

    def describe(self) -> str:
        if self.status == "changed":
            what = " and ".join(
                w for w, c in (("title", self.title_changed), ("text", self.text_changed)) if c
            )
            renamed = f" (was {self.old_title!r})" if self.title_changed else ""
            return f"changed   {self.key}: {self.title!r}: {what} edited{renamed}"
        return f"{self.status:<9} {self.key}: {self.title!r}"


def section_id(title: str, taken: set[str]) -> str:
    """A slug id for ``title`` that is not in ``taken`` (which it is added to)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
    if len(slug) > MAX_ID:
        slug = slug[:MAX_ID].rsplit("-", 1)[0]
    key, n = slug, 2
    while key in taken:
        key, n = f"{slug}-{n}", n + 1
    taken.add(key)
    return key


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _match(new: list[PolicySection], old: list[OldSection]) -> dict[int, int]:
    """New section index -> old section index, by the rules in the module doc."""
    pairs: dict[int, int] = {}
    by_key = {o.key: j for j, o in enumerate(old)}
    for i, s in enumerate(new):
        if s.key and s.key in by_key:
            pairs[i] = by_key[s.key]
    for i, s in enumerate(new):
        if i in pairs or s.key:
            continue
        j = next(
            (
                j
                for j, o in enumerate(old)
                if j not in pairs.values() and _norm(o.title) == _norm(s.title)
            ),
            None,
        )
        if j is not None:
            pairs[i] = j
    candidates = []
    for i, s in enumerate(new):
        if i in pairs or s.key:
            continue
        for j, o in enumerate(old):
            if j in pairs.values():
                continue
            text = _similar(s.body, o.body)
            if text >= SAME_TEXT:
                candidates.append((text + _similar(_norm(s.title), _norm(o.title)), i, j))
    for _, i, j in sorted(candidates, reverse=True):
        if i not in pairs and j not in pairs.values():
            pairs[i] = j
    return pairs


def assign_ids(
    new: list[PolicySection], old: list[OldSection] | None = None
) -> tuple[list[str], list[SectionChange]]:
    """An id for every new section, and each section's change against ``old``."""
    old = old or []
    pairs = _match(new, old)
    taken = {o.key for o in old} | {s.key for s in new if s.key}
    keys: list[str] = []
    changes: list[SectionChange] = []
    for i, s in enumerate(new):
        if i in pairs:
            o = old[pairs[i]]
            keys.append(o.key)
            title_changed, text_changed = s.title != o.title, s.body != o.body
            status = "changed" if title_changed or text_changed else "unchanged"
            changes.append(
                SectionChange(
                    o.key,
                    s.title,
                    status,
                    title_changed,
                    text_changed,
                    o.title if title_changed else None,
                )
            )
        else:
            key = s.key or section_id(s.title, taken)
            keys.append(key)
            changes.append(SectionChange(key, s.title, "new"))
    matched = set(pairs.values())
    changes += [
        SectionChange(o.key, o.title, "removed") for j, o in enumerate(old) if j not in matched
    ]
    return keys, changes
