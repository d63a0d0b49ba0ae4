"""Writing GIFT that Moodle imports, from :class:`GiftQuestion` values.

The layout follows Moodle's own GIFT export (qformat_gift::writequestion): a comment line,
``// [id:...] [tag:...]`` for the question's id number and tags, ``::name::``, the text with
its ``[format]``, the answers one per line in braces, ``####`` general feedback last.
Every special character is escaped (``\\~ \\= \\# \\{ \\} \\: \\\\``) and line breaks are
written ``\\n``, since a blank line would end the question. :mod:`gift_parser` reads it
back to the same values.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms.interop.gift_model import GiftQuestion, GiftText
from lms.interop.scoring import format_weight
from lms.interop.textformat import FORMATS

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


class GiftWriteError(ValueError):
    """A question that GIFT cannot express."""


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped (Moodle's repchar)."""
    return text.translate(_ESCAPES)


def _starts_with_format(text: str) -> bool:
    return text.startswith("[") and text[1 : text.find("]")] in FORMATS


def write_text(text: GiftText, default: str = "moodle") -> str:
    """A text with its ``[format]`` when it differs from ``default`` (or could be misread)."""
    tag = f"[{text.format}]" if text.format != default or _starts_with_format(text.text) else ""
    return tag + escape(text.text)


def write_category(path: str) -> str:
    """A ``$CATEGORY:`` block (a ``/`` inside a name is written ``//``, as Moodle does)."""
    return f"$CATEGORY: {path}\n"


def _header(q: GiftQuestion, comments: Sequence[str]) -> str:
    lines = [f"// {c}" for c in comments]
    marks = ([f"[id:{q.idnumber.replace(']', chr(92) + ']')}]"] if q.idnumber else []) + [
        f"[tag:{t.replace(']', chr(92) + ']')}]" for t in q.tags
    ]
    if marks:
        lines.append("// " + " ".join(marks))
    name = f"::{escape(q.name)}::" if q.name else ""
    return "".join(line + "\n" for line in lines) + name + write_text(q.text)


def _general(q: GiftQuestion, indent: str) -> str:
    if q.general_feedback is None or not q.general_feedback.text:
        return ""
    return f"{indent}####{write_text(q.general_feedback, q.text.format)}" + ("\n" if indent else "")


def _multichoice(q: GiftQuestion) -> str:
    fmt = q.text.format
    lines = []
    for answer in q.answers:
        if q.single and answer.weight >= 100:
            mark = "="
        elif answer.weight == 0:
            mark = "~"
        else:
            mark = "~" + format_weight(answer.weight)
        line = f"\t{mark}{write_text(answer.text, fmt)}"
        if answer.feedback is not None and answer.feedback.text:
            line += "#" + write_text(answer.feedback, fmt)
        lines.append(line + "\n")
    return "{\n" + "".join(lines) + _general(q, "\t") + "}\n"


def _matching(q: GiftQuestion) -> str:
    lines = []
    for pair in q.pairs:
        if "->" in pair.left.text:
            raise GiftWriteError(
                f"the item {pair.left.text!r} contains '->', which GIFT reads "
                "as the arrow between an item and its match"
            )
        lines.append(f"\t={write_text(pair.left, q.text.format)} -> {escape(pair.right)}\n")
    return "{\n" + "".join(lines) + _general(q, "\t") + "}\n"


def _truefalse(q: GiftQuestion) -> str:
    answer = "{TRUE" if q.truth else "{FALSE"
    fmt = q.text.format
    wrong = write_text(q.wrong_feedback, fmt) if q.wrong_feedback else ""
    right = write_text(q.right_feedback, fmt) if q.right_feedback else ""
    if wrong or right:
        answer += "#" + wrong
    if right:
        answer += "#" + right
    return answer + _general(q, "") + "}\n"


def write_question(q: GiftQuestion, comments: Sequence[str] = ()) -> str:
    """One question as GIFT (ending in a newline). Raises GiftWriteError if it cannot be."""
    writers = {"multichoice": _multichoice, "matching": _matching, "truefalse": _truefalse}
    if q.kind not in writers:
        raise GiftWriteError(f"GIFT export of {q.kind!r} questions is not supported")
    return _header(q, comments) + writers[q.kind](q)
