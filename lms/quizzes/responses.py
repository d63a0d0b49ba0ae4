"""Turning submitted form fields into responses the graders understand.

Field names: ``q-<question id>`` for single, multiple and true/false questions (several
values for multiple), ``q-<question id>-<pair id>`` for each matching pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[str]: ...


def field_name(question: Mapping, pair: Mapping | None = None) -> str:
    return f"q-{question['id']}" + (f"-{pair['id']}" if pair else "")


def response_for(question: Mapping, form: FormData) -> Any:
    """The learner's response to one shown question (None when unanswered)."""
    kind = question["type"]
    if kind == "multiple":
        return form.getlist(field_name(question))
    if kind == "matching":
        return {p["id"]: form.get(field_name(question, p)) or None for p in question["pairs"]}
    return form.get(field_name(question))


def responses_from_form(questions: list[Mapping], form: FormData) -> dict[str, Any]:
    return {q["id"]: response_for(q, form) for q in questions}
