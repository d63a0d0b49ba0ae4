"""``single``: one correct choice among several."""

from __future__ import annotations

from collections.abc import Mapping

from lms.domain.problems import Problem
from lms.domain.questions.base import (
    choice_notes,
    pick_one,
)
from lms.domain.questions.choice import ChoiceQuestionType
from lms.domain.questions.values import (
    Grade,
    make_grade,
)


class SingleChoice(ChoiceQuestionType):
    """``single``: exactly one correct choice; the response is one choice id."""

    id = "single"

    def _validate_correct_count(self, choices: list, correct_at: list[int]) -> list[Problem]:
        if not correct_at:
            return [
                Problem(("choices",), "no choice is marked correct: true (exactly one must be)")
            ]
        # Point at every correct choice after the first: those are the ones to fix.
        return [
            Problem(
                ("choices", i, "correct"),
                f"a single-choice question has exactly one correct choice; choice "
                f"{correct_at[0]} is already correct",
            )
            for i in correct_at[1:]
        ]

    def grade(self, shown: Mapping, response: object) -> Grade:
        picked = pick_one(shown, response)
        notes = choice_notes(shown, picked)
        score = 1.0 if any(n.picked and n.correct for n in notes) else 0.0
        return make_grade(score, picked, notes)
