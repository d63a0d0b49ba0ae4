"""A reader for Moodle's GIFT question format, with positions for every problem.

GIFT as Moodle documents and reads it (question/format/gift in Moodle):

* questions are separated by blank lines; a line starting with ``//`` is a comment
  (Moodle takes an ``[id:...]`` and ``[tag:...]`` from a question's comments);
* ``$CATEGORY: path`` switches the category; ``::title::`` names a question;
* the answers are in one ``{...}`` block; text after it makes a "missing word" question,
  whose blank Moodle shows as ``_____``;
* ``~`` starts a wrong (or weighted) choice and ``=`` a right one, ``%50%`` / ``%-33.3%``
  weights a choice, ``#`` starts the feedback of an answer, ``####`` the general feedback;
* ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` with ``#wrong feedback#right feedback``;
* ``=left -> right`` pairs make a matching question; ``= -> right`` adds a distractor;
* ``[markdown]``, ``[html]``, ``[plain]``, ``[moodle]`` at the start of a text set its format;
* ``\\~ \\= \\# \\{ \\} \\: \\\\`` escape those characters and ``\\n`` is a line break.

Moodle also reads short-answer (``{=a =b}``), numerical (``{#...}``), essay (``{}``) and
description (no braces) questions; they are parsed far enough to be recognised and
reported (``kind``), since this product does not grade them.

Why a hand-written scanner rather than a grammar (Lark): GIFT's meaning depends on
position and context rather than on a context-free structure. ``//`` is a comment only at
the start of a line, ``#`` is feedback except as ``####`` (general feedback) or as the first
character of the block (numerical), a format tag counts only at the start of a text, a
blank line ends a question wherever it falls, and an escaped character is never syntax.
A grammar would need a custom lexer and a post-pass for all of that anyway. The scanner
turns every character into a cell that remembers its line and column and whether it was
escaped, so each rule below is a few lines and every error points at the exact character.
Unlike Moodle, which silently reads some mistakes as text, it reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms.interop.gift_model import GiftAnswer, GiftPair, GiftQuestion, GiftText
from lms.interop.textformat import FORMATS

__all__ = [
    "GiftAnswer",
    "GiftError",
    "GiftFile",
    "GiftPair",
    "GiftQuestion",
    "GiftText",
    "parse_gift",
]

ESCAPABLE = {"\\": "\\", ":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
_WEIGHT = re.compile(r"%(-?\d{1,3}(?:\.\d+)?)%")
_WEIGHT_ATTEMPT = re.compile(r"%-?[\d.]*%")
_CLOZE = re.compile(r"^\d*:[A-Z_]+:")
_ID = re.compile(r"\[id:((?:\\]|[^\]\[])+?)\]")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\[])+?)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class Cell:
    """One character of a question: ``raw`` is False when it was escaped (never syntax)."""

    ch: str
    raw: bool
    line: int
    col: int


@dataclass(frozen=True)
class GiftError:
    """A syntax error at ``line``:``col`` (1-based)."""

    line: int
    col: int
    message: str


@dataclass
class GiftFile:
    questions: list[GiftQuestion]
    errors: list[GiftError]


class _Fail(Exception):
    def __init__(self, at: Cell, message: str):
        super().__init__(message)
        self.error = GiftError(at.line, at.col, message)


# --------------------------------------------------------------------------- cells


def _cells(lines: list[tuple[int, str]]) -> list[Cell]:
    """The characters of a question's lines (joined by newlines), escapes resolved."""
    cells: list[Cell] = []
    for n, (number, line) in enumerate(lines):
        if n:
            cells.append(Cell("\n", True, number, 0))
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == "\\" and i + 1 < len(line) and line[i + 1] in ESCAPABLE:
                cells.append(Cell(ESCAPABLE[line[i + 1]], False, number, i + 1))
                i += 2
                continue
            cells.append(Cell(ch, True, number, i + 1))
            i += 1
    return cells


def _text(cells: list[Cell]) -> str:
    return "".join(c.ch for c in cells)


def _strip(cells: list[Cell]) -> list[Cell]:
    start, end = 0, len(cells)
    while start < end and cells[start].ch.isspace():
        start += 1
    while end > start and cells[end - 1].ch.isspace():
        end -= 1
    return cells[start:end]


def _is_at(cells: list[Cell], i: int, token: str) -> bool:
    return all(cells[i + k].raw and cells[i + k].ch == token[k] for k in range(len(token)))


def _find(cells: list[Cell], token: str, start: int = 0) -> int:
    """Index of the first unescaped ``token`` at or after ``start``, or -1."""
    first = token[0]
    for i in range(start, len(cells) - len(token) + 1):
        if cells[i].ch == first and _is_at(cells, i, token):
            return i
    return -1


def _rfind(cells: list[Cell], token: str) -> int:
    first = token[0]
    for i in range(len(cells) - len(token), -1, -1):
        if cells[i].ch == first and _is_at(cells, i, token):
            return i
    return -1


def _split_at(cells: list[Cell], markers: str) -> tuple[list[Cell], list[list[Cell]]]:
    """(text before the first marker, [segments each starting with its marker])."""
    starts = [i for i, c in enumerate(cells) if c.raw and c.ch in markers]
    if not starts:
        return cells, []
    bounds = starts + [len(cells)]
    return cells[: starts[0]], [cells[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _formatted(cells: list[Cell], default: str) -> GiftText:
    """A text with an optional leading ``[format]`` tag, as Moodle's parse_text_with_format."""
    text = _text(_strip(cells))
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            return GiftText(text[end + 1 :].strip(), text[1:end])
    return GiftText(text, default)


# --------------------------------------------------------------------------- blocks


def _blocks(text: str):
    """Yield each question's lines as (comment lines, [(line number, text)])."""
    comments: list[str] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if lines or comments:
                yield comments, lines
            comments, lines = [], []
        elif line.strip().startswith("//"):
            comments.append(line.strip()[2:])
        else:
            lines.append((number, line))
    if lines or comments:
        yield comments, lines


def _id_and_tags(comments: list[str]) -> tuple[str | None, list[str]]:
    joined = "\n".join(comments)
    found = _ID.search(joined)
    idnumber = found.group(1).replace("\\]", "]").strip() if found else None
    tags = [m.group(1).replace("\\]", "]").strip() for m in _TAG.finditer(joined)]
    return idnumber or None, [t for t in tags if t]


def parse_gift(text: str) -> GiftFile:
    """Read a GIFT file: its questions (with their category) and every syntax error."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[GiftQuestion] = []
    errors: list[GiftError] = []
    category: str | None = None
    for comments, lines in _blocks(text):
        cells = _strip(_cells(lines))
        if not cells:
            continue
        try:
            if _text(cells[:10]) == "$CATEGORY:" and all(c.raw for c in cells[:10]):
                category = _category(cells)
                continue
            question = _question(cells)
        except _Fail as fail:
            errors.append(fail.error)
            continue
        question.category = category
        question.idnumber, question.tags = _id_and_tags(comments)
        questions.append(question)
    return GiftFile(questions, errors)


def _category(cells: list[Cell]) -> str:
    newline = next((i for i, c in enumerate(cells) if c.ch == "\n" and c.raw), len(cells))
    rest = _strip(cells[newline:])
    if rest:
        raise _Fail(
            rest[0],
            "put a blank line after the $CATEGORY line: Moodle reads the "
            "rest of this block as part of the category name",
        )
    name = _text(_strip(cells[10:newline]))
    if not name:
        raise _Fail(cells[0], "$CATEGORY: needs a category name")
    return name


# --------------------------------------------------------------------------- questions


def _question(cells: list[Cell]) -> GiftQuestion:
    start = cells[0]
    name = None
    if _find(cells, "::") == 0:
        end = _find(cells, "::", 2)
        if end < 0:
            raise _Fail(start, "the question title opened with '::' is never closed with '::'")
        name = _text(_strip(cells[2:end])) or None
        cells = _strip(cells[end + 2 :])
    braces = _answer_block(cells)
    if braces is None:
        return GiftQuestion("description", start.line, start.col, name, _formatted(cells, "moodle"))
    open_at, close_at, embedded = braces
    before, after = cells[:open_at], cells[close_at + 1 :]
    blank = [Cell("_____", False, 0, 0)] if _strip(after) else []
    text = _formatted(before + blank + after, "moodle")
    question = GiftQuestion("", start.line, start.col, name, text)
    answers = _strip(cells[open_at + 1 : close_at])
    general = _rfind(answers, "####")
    if general >= 0:
        question.general_feedback = _formatted(answers[general + 4 :], text.format)
        answers = _strip(answers[:general])
    question.kind = "embedded" if embedded else _kind(answers, question)
    _PARSERS.get(question.kind, lambda q, a, o: None)(question, answers, cells[open_at])
    return question


def _answer_block(cells: list[Cell]) -> tuple[int, int, bool] | None:
    """(index of "{", index of "}", whether another block follows), or None if there is none."""
    open_at, close_at = _find(cells, "{"), _find(cells, "}")
    if open_at < 0 and close_at < 0:
        return None
    unopened = "'}' without an opening '{' (write \\} for a literal brace)"
    if close_at >= 0 and (open_at < 0 or close_at < open_at):
        raise _Fail(cells[close_at], unopened)
    if close_at < 0:
        raise _Fail(
            cells[open_at],
            "the answer block opened here is not closed with '}' before "
            "the question ends (a blank line ends a question: write \\n "
            "for a line break)",
        )
    nested = _find(cells[:close_at], "{", open_at + 1)
    if nested >= 0:
        raise _Fail(cells[nested], "'{' inside an answer block (write \\{ for a literal brace)")
    next_open, next_close = _find(cells, "{", close_at + 1), _find(cells, "}", close_at + 1)
    if next_open < 0 and next_close >= 0:
        raise _Fail(cells[next_close], unopened)
    return open_at, close_at, next_open >= 0


def _kind(answers: list[Cell], question: GiftQuestion) -> str:
    """Moodle's type detection (qformat_gift::readquestion), in Moodle's order."""
    raw = _text(answers)
    if not answers:
        return "essay"
    if _CLOZE.match(raw):
        return "embedded"
    if answers[0].raw and answers[0].ch == "#":
        return "numerical"
    if _find(answers, "~") >= 0:
        return "multichoice"
    if _find(answers, "=") >= 0 and _find(answers, "->") >= 0:
        return "matching"
    hash_at = _find(answers, "#")
    head = _text(_strip(answers[:hash_at] if hash_at >= 0 else answers))
    if head in TRUE_FALSE:
        return "truefalse"
    if head.upper() in TRUE_FALSE:
        question.hint = (
            f"Moodle reads {{{head}}} as a short answer; a true/false answer is "
            "written {T}, {TRUE}, {F} or {FALSE}"
        )
    return "shortanswer"


def _leading_text_error(before: list[Cell], markers: str) -> None:
    stray = _strip(before)
    if stray:
        raise _Fail(
            stray[0],
            f"text before the first answer: start every answer with "
            f"{' or '.join(repr(m) for m in markers)}",
        )


def _parse_multichoice(question: GiftQuestion, answers: list[Cell], opened: Cell) -> None:
    before, segments = _split_at(answers, "~=")
    _leading_text_error(before, "~=")
    question.single = _find(answers, "=") >= 0
    for segment in segments:
        marker, body = segment[0], _strip(segment[1:])
        weight = 100.0 if marker.ch == "=" else 0.0
        raw = _text(body)
        found = _WEIGHT.match(raw)
        if found or _WEIGHT_ATTEMPT.match(raw):
            if marker.ch == "=":
                raise _Fail(
                    body[0],
                    "Moodle ignores a weight after '=' and shows it as part of "
                    "the answer: write ~%50%answer for a weighted choice",
                )
            if not found or abs(float(found.group(1))) > 100:
                raise _Fail(
                    body[0],
                    f"bad weight {raw[: raw.find('%', 1) + 1]!r}: write a "
                    "percentage from -100 to 100, such as %50% or %-33.33333%",
                )
            weight = float(found.group(1))
            body = _strip(body[found.end() :])
        hash_at = _find(body, "#")
        text = _formatted(body[:hash_at] if hash_at >= 0 else body, question.text.format)
        feedback = _formatted(body[hash_at + 1 :], question.text.format) if hash_at >= 0 else None
        if not text.text:
            raise _Fail(marker, "this answer has no text")
        question.answers.append(GiftAnswer(text, weight, feedback, marker.line, marker.col))
    if len(question.answers) < 2:
        raise _Fail(opened, "a multiple-choice question needs at least 2 answers")


def _parse_matching(question: GiftQuestion, answers: list[Cell], opened: Cell) -> None:
    before, segments = _split_at(answers, "=")
    _leading_text_error(before, "=")
    for segment in segments:
        marker, body = segment[0], segment[1:]
        arrow = _find(body, "->")
        if arrow < 0:
            raise _Fail(marker, "a matching answer needs '->' between the item and its match")
        right = _text(_strip(body[arrow + 2 :]))
        if not right:
            raise _Fail(marker, "nothing after '->': write the match the item goes with")
        left = _formatted(body[:arrow], question.text.format)
        question.pairs.append(GiftPair(left, right, marker.line, marker.col))
    if sum(1 for p in question.pairs if p.left.text) < 2:
        raise _Fail(opened, "a matching question needs at least 2 pairs")


def _parse_truefalse(question: GiftQuestion, answers: list[Cell], opened: Cell) -> None:
    parts: list[list[Cell]] = []
    rest = answers
    while len(parts) < 2 and (at := _find(rest, "#")) >= 0:
        parts.append(rest[:at])
        rest = rest[at + 1 :]
    parts.append(rest)
    question.truth = TRUE_FALSE[_text(_strip(parts[0]))]
    fmt = question.text.format
    if len(parts) > 1 and _strip(parts[1]):
        question.wrong_feedback = _formatted(parts[1], fmt)
    if len(parts) > 2 and _strip(parts[2]):
        question.right_feedback = _formatted(parts[2], fmt)


_PARSERS = {
    "multichoice": _parse_multichoice,
    "matching": _parse_matching,
    "truefalse": _parse_truefalse,
}
