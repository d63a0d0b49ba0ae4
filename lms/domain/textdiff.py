"""What changed between two versions of a policy, section by section and word by word.

A policy version is a sequence of sections, each ``(key, title, text)`` where ``key`` is
the section's stable id and ``text`` its Markdown source. ``compare_sections`` says which
sections were added, removed, changed or left alone; ``paragraph_diff`` and ``diff_html``
show what changed inside one section.

The word diff works on the Markdown *source*, not on rendered HTML: a token is a run of
non-whitespace characters together with the whitespace that follows it (a leading run of
whitespace is a token of its own), so punctuation stays attached to its word and joining
the tokens gives back the text exactly. ``diff_html`` escapes every piece of text, which
is what makes its output safe to mark as safe in a template. It keeps the source's line
breaks as plain newlines; style ``.diff-para`` with ``white-space: pre-wrap`` to show them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum


class ChangeKind(StrEnum):
    """How a policy section differs between two versions (see :class:`SectionChange`)."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


class DiffOp(StrEnum):
    """One step of a diff: kept, inserted, deleted, or (paragraphs only) changed."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"
    CHANGED = "changed"


ADDED = ChangeKind.ADDED
REMOVED = ChangeKind.REMOVED
CHANGED = ChangeKind.CHANGED
UNCHANGED = ChangeKind.UNCHANGED

EQUAL = DiffOp.EQUAL
INSERT = DiffOp.INSERT
DELETE = DiffOp.DELETE

Section = tuple[str, str, str]
"""One section of a policy version: ``(key, title, text)``."""

WordOp = tuple[DiffOp, str]
"""One step of a word diff: ``(op, text)`` with op ``"equal"``, ``"insert"`` or ``"delete"``."""

_TOKEN = re.compile(r"^\s+|\S+\s*")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class SectionChange:
    """How one section differs between the old and the new version.

    ``kind`` is ``"added"`` (only in the new version: the ``old_*`` fields are ``None``),
    ``"removed"`` (only in the old version: the ``new_*`` fields are ``None``),
    ``"changed"`` (in both, with a different title or text) or ``"unchanged"``.
    """

    key: str
    kind: ChangeKind
    old_title: str | None
    new_title: str | None
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True)
class ParagraphDiff:
    """One paragraph of a paragraph-level diff.

    ``op`` is ``"equal"`` (the same paragraph in both versions), ``"insert"`` (only in
    the new one: ``old`` is ``None``), ``"delete"`` (only in the old one: ``new`` is
    ``None``) or ``"changed"`` (an old paragraph replaced by a new one). ``words`` always
    holds the word-level steps to display: for ``"changed"`` the ``word_diff`` of the two
    paragraphs, otherwise a single step carrying the whole paragraph.
    """

    op: DiffOp
    old: str | None
    new: str | None
    words: tuple[WordOp, ...]


def _index(sections: Sequence[Section], which: str) -> dict[str, Section]:
    by_key: dict[str, Section] = {}
    for section in sections:
        key = section[0]
        if key in by_key:
            raise ValueError(f"duplicate section key {key!r} in the {which} version")
        by_key[key] = section
    return by_key


def compare_sections(old: Sequence[Section], new: Sequence[Section]) -> list[SectionChange]:
    """Every section of either version with what happened to it.

    Sections are matched by key. The list follows the new version's order, then the
    removed sections in the old version's order. A section whose title or text differs
    (compared exactly, whitespace included) is ``"changed"``; a title-only change counts.

    Raises ``ValueError`` when a key appears twice in the same version.
    """
    old_by_key = _index(old, "old")
    new_by_key = _index(new, "new")
    changes: list[SectionChange] = []
    for key, new_title, new_text in new:
        if key not in old_by_key:
            changes.append(SectionChange(key, ADDED, None, new_title, None, new_text))
            continue
        _, old_title, old_text = old_by_key[key]
        same = old_title == new_title and old_text == new_text
        changes.append(
            SectionChange(
                key, UNCHANGED if same else CHANGED, old_title, new_title, old_text, new_text
            )
        )
    for key, old_title, old_text in old:
        if key not in new_by_key:
            changes.append(SectionChange(key, REMOVED, old_title, None, old_text, None))
    return changes


def changed_keys(old: Sequence[Section], new: Sequence[Section]) -> set[str]:
    """The keys of the sections added, removed or changed between ``old`` and ``new``."""
    return {change.key for change in compare_sections(old, new) if change.kind != UNCHANGED}


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word tokens that join back to it exactly.

    Each token is a word (any run of non-whitespace, punctuation included) followed by
    the whitespace after it; whitespace at the very start is a token of its own.
    """
    return _TOKEN.findall(text)


def _append(ops: list[WordOp], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def word_diff(old: str, new: str) -> list[WordOp]:
    """The word-level steps turning ``old`` into ``new``.

    Each step is ``(op, text)`` with op ``"equal"``, ``"insert"`` or ``"delete"``;
    consecutive steps never share an op, and no step has empty text. Joining the text of
    the ``"equal"`` and ``"delete"`` steps gives back ``old`` exactly, joining the
    ``"equal"`` and ``"insert"`` steps gives back ``new``. Where words were replaced the
    deletion comes before the insertion.
    """
    old_tokens = tokenize(old)
    new_tokens = tokenize(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, EQUAL, "".join(old_tokens[i1:i2]))
            continue
        _append(ops, DELETE, "".join(old_tokens[i1:i2]))
        _append(ops, INSERT, "".join(new_tokens[j1:j2]))
    return ops


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``: its parts separated by blank lines, trimmed.

    Line endings are normalised to ``\\n`` first; a text that is empty or only
    whitespace has no paragraphs. Single line breaks stay inside their paragraph.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    return [part.strip() for part in _BLANK_LINE.split(text)]


def paragraph_diff(old: str, new: str) -> list[ParagraphDiff]:
    """The diff of two texts paragraph by paragraph (see ``split_paragraphs``).

    Paragraphs are aligned with a sequence match over whole paragraphs. Unchanged ones
    are kept as ``"equal"`` so a page can collapse them. Where a run of old paragraphs
    was replaced by a run of new ones, they are paired in order as ``"changed"`` with a
    word diff, and any left over become ``"delete"`` or ``"insert"``.
    """
    old_paras = split_paragraphs(old)
    new_paras = split_paragraphs(new)
    matcher = SequenceMatcher(None, old_paras, new_paras, autojunk=False)
    result: list[ParagraphDiff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds = old_paras[i1:i2]
        news = new_paras[j1:j2]
        if tag == "equal":
            result.extend(ParagraphDiff(EQUAL, p, p, ((EQUAL, p),)) for p in olds)
            continue
        for a, b in zip(olds, news, strict=False):
            result.append(ParagraphDiff(DiffOp.CHANGED, a, b, tuple(word_diff(a, b))))
        result.extend(ParagraphDiff(DELETE, p, None, ((DELETE, p),)) for p in olds[len(news) :])
        result.extend(ParagraphDiff(INSERT, None, p, ((INSERT, p),)) for p in news[len(olds) :])
    return result


def diff_html(old: str, new: str) -> str:
    """HTML showing the paragraph diff of ``old`` and ``new``.

    Each paragraph is a ``<p class="diff-para">``; unchanged ones are
    ``<p class="diff-para diff-same">``. Inserted words are wrapped in ``<ins>``, deleted
    words in ``<del>``. Every piece of text goes through ``html.escape``, so the result
    contains no markup from the inputs and may be marked safe in a template. Paragraphs
    are separated by newlines; two empty texts give ``""``.
    """
    out: list[str] = []
    for para in paragraph_diff(old, new):
        css = "diff-para diff-same" if para.op == EQUAL else "diff-para"
        parts: list[str] = []
        for op, text in para.words:
            escaped = html.escape(text)
            if op == INSERT:
                parts.append(f"<ins>{escaped}</ins>")
            elif op == DELETE:
                parts.append(f"<del>{escaped}</del>")
            else:
                parts.append(escaped)
        out.append(f'<p class="{css}">{"".join(parts)}</p>')
    return "\n".join(out)
