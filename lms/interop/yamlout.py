"""Question files an author can review: this course's YAML layout, with comments.

Each question is written in the key order of the shipped course (id, type, scoring,
section, prompt, choices/answer/pairs, feedback), lists indented under their key,
multi-line text as ``|`` blocks, long lines never folded, and one blank line between
questions. Comment lines (where a question came from, what the import could not carry
over) go right above the question they concern. Values are quoted only when YAML needs
it, and always when a text holds `` #`` (which would otherwise start a comment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents lists under their key, as the course files do."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str):
    style = (
        "|"
        if "\n" in value and not any(line != line.rstrip() for line in value.split("\n"))
        else None
    )
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_question(question: dict[str, Any]) -> str:
    """One question as a one-item YAML list (no trailing blank line)."""
    return yaml.dump(
        [question],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10**6,
        default_flow_style=False,
    )


def comment(text: str) -> str:
    """``text`` as YAML comment lines."""
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines() or [""])


def write_questions(items: Sequence[tuple[dict[str, Any], Sequence[str]]], header: str = "") -> str:
    """A question file: ``header`` comment, then each (question, comment lines)."""
    parts = [comment(header)] if header else []
    for question, notes in items:
        parts.append("".join(comment(n) for n in notes) + dump_question(question))
    return "\n".join(parts)
