"""What every question type shares: the :class:`QuestionType` interface, the helpers
the types are written with, and :func:`public_view` (the shown dict without answers)."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from typing import Any

from lms.domain.checks import Checks
from lms.domain.problems import PathPart, Problem
from lms.domain.questions.values import (
    ANSWER_KEYS,
    ChoiceNote,
    Grade,
    Question,
)


def normalise(text: str) -> str:
    # Texts that differ only in spacing or case read as the same choice to a learner.
    return " ".join(text.split()).casefold()


def note_duplicate(
    checks: Checks,
    seen: dict[str, int],
    text: str,
    index: int,
    path: tuple[PathPart, ...],
    what: str,
    item: str,
) -> None:
    """Report ``text`` when an earlier item had the same (normalised) text, else note it."""
    key = normalise(text)
    if key in seen:
        checks.add(path, f"duplicate {what} (same as {item} {seen[key]})")
    else:
        seen[key] = index


def clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def base_fields(raw: Mapping) -> dict[str, Any]:
    return {
        "id": raw["id"],
        "type": raw["type"],
        "section": raw["section"],
        "prompt": clean(raw["prompt"]),
        "feedback": clean(raw["feedback"]),
    }


def shown_base(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "type": question.type,
        "section": question.section,
        "prompt": question.prompt,
        "feedback": question.feedback,
        "scoring": question.scoring,
    }


def choice_notes(shown: Mapping, picked: Collection[str]) -> list[ChoiceNote]:
    return [
        ChoiceNote(
            id=c["id"],
            text=c["text"],
            picked=c["id"] in picked,
            correct=bool(c.get("correct")),
            feedback=c.get("feedback"),
        )
        for c in shown["choices"]
    ]


def pick_one(shown: Mapping, response: object) -> tuple[str, ...]:
    """The single shown choice id ``response`` names, or () if it names none."""
    if isinstance(response, str):
        for c in shown["choices"]:
            if c["id"] == response:
                return (response,)
    return ()


class QuestionType(ABC):
    """One kind of question. Subclasses set ``id`` and ``keys`` and fill in the methods.

    ``keys`` are the top-level keys the type adds to :data:`COMMON_KEYS`; any other key
    in a raw question of this type is reported as unknown.
    """

    id: str = ""
    keys: frozenset[str] = frozenset()

    @abstractmethod
    def validate(self, raw: Mapping) -> list[Problem]:
        """Problems with the type-specific parts of ``raw`` (paths relative to it)."""

    @abstractmethod
    def parse(self, raw: Mapping) -> Question:
        """The :class:`Question` for a ``raw`` question that passed validation."""

    @abstractmethod
    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        """The question as shown in one attempt: snapshot and grading key in one dict."""

    @abstractmethod
    def grade(self, shown: Mapping, response: object) -> Grade:
        """Grade ``response`` against ``shown``. Total: never raises on any response."""

    def public_view(self, shown: Mapping) -> dict[str, Any]:
        """``shown`` without anything that gives the answer away."""
        return public_view(shown)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"


def strip_answers(value: Any, *, in_pairs: bool = False) -> Any:
    if isinstance(value, Mapping):
        return {
            k: strip_answers(v, in_pairs=k == "pairs")
            for k, v in value.items()
            # A pair's ``right`` is its answer, so it goes too; ``options`` keeps the
            # right texts, unlinked and in shuffled order.
            if k not in ANSWER_KEYS and not (in_pairs and k == "right")
        }
    if isinstance(value, list | tuple):
        return [strip_answers(v, in_pairs=in_pairs) for v in value]
    return value


def public_view(shown: Mapping) -> dict[str, Any]:
    """``shown`` as the page may hold it before the learner answers.

    Removes every ``correct`` flag and every ``feedback`` (per choice and the question's
    own, which explains the answer), at any depth, and each matching pair's ``right``.
    Returns a new dict; ``shown`` is left as it was.
    """
    return strip_answers(shown)
