"""``true_false``: a statement that is true or false."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.domain.problems import Problem
from lms.domain.questions.base import (
    QuestionType,
    base_fields,
    choice_notes,
    pick_one,
    shown_base,
)
from lms.domain.questions.values import (
    ALL_OR_NOTHING,
    Grade,
    Question,
    make_grade,
)


class TrueFalse(QuestionType):
    """``true_false``: ``answer: true|false``; the response is ``"true"`` or ``"false"``.

    Shown as two choices in a fixed order (True, then False; shuffling would only
    confuse). A Python bool is accepted as a response too, since it is unambiguous.
    """

    id = "true_false"
    keys = frozenset({"answer"})

    def validate(self, raw: Mapping) -> list[Problem]:
        if "answer" not in raw or raw["answer"] is None:
            return [Problem(("answer",), "missing answer (true or false)")]
        answer = raw["answer"]
        if not isinstance(answer, bool):
            return [Problem(("answer",), f"answer must be true or false, got {answer!r}")]
        return []

    def parse(self, raw: Mapping) -> Question:
        return Question(**base_fields(raw), answer=raw["answer"], scoring=ALL_OR_NOTHING)

    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        choices = [
            {"id": "true", "text": "True", "correct": question.answer is True, "feedback": None},
            {"id": "false", "text": "False", "correct": question.answer is False, "feedback": None},
        ]
        return {**shown_base(question), "choices": choices}

    def grade(self, shown: Mapping, response: object) -> Grade:
        if isinstance(response, bool):
            response = "true" if response else "false"
        picked = pick_one(shown, response)
        notes = choice_notes(shown, picked)
        score = 1.0 if any(n.picked and n.correct for n in notes) else 0.0
        return make_grade(score, picked, notes)
