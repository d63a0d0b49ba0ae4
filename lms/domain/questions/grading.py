"""Presenting a question in an attempt, grading responses, and the attempt's score."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from lms.domain.questions.registry import question_type
from lms.domain.questions.values import (
    Grade,
    Question,
)


def present(question: Question, rng: random.Random) -> dict[str, Any]:
    """``question`` as shown in an attempt, by its type (see :meth:`QuestionType.present`)."""
    return question_type(question.type).present(question, rng)


def grade(shown: Mapping, response: object) -> Grade:
    """Grade ``response`` against the shown question ``shown``.

    Total in ``response``. ``shown`` is the server's own snapshot, so an unknown type
    there is a bug and raises ValueError.
    """
    return question_type(shown.get("type")).grade(shown, response)


def score_percent(grades: Sequence[Grade]) -> float:
    """The mean score of ``grades`` as a percentage rounded to 1 decimal (0.0 if none)."""
    if not grades:
        return 0.0
    return round(sum(g.score for g in grades) / len(grades) * 100, 1)


def passed(percent: float, pass_mark: float) -> bool:
    """Whether ``percent`` reaches ``pass_mark`` (a mark of 80 is passed by 80.0)."""
    return percent >= pass_mark


def answered(response: object) -> bool:
    """Whether a response answers its question at all: a choice made, at least one box
    ticked, every item matched."""
    if response is None:
        return False
    if isinstance(response, list):
        return any(r is not None for r in response)
    if isinstance(response, Mapping):
        return bool(response) and all(v is not None for v in response.values())
    return True


def unanswered(shown: Sequence[Mapping], responses: Mapping[str, object]) -> list[int]:
    """The numbers (from 1, as the page shows them) of the questions left blank."""
    return [n for n, q in enumerate(shown, 1) if not answered(responses.get(q["id"]))]
