"""``multiple``: one or more correct choices, scored all or nothing or in part."""

from __future__ import annotations

from collections.abc import Mapping

from lms.domain.checks import PLAIN, Checks
from lms.domain.problems import Problem
from lms.domain.questions.base import (
    choice_notes,
)
from lms.domain.questions.choice import ChoiceQuestionType
from lms.domain.questions.values import (
    ALL_OR_NOTHING,
    PARTIAL,
    SCORING_MODES,
    Grade,
    make_grade,
)


class MultipleChoice(ChoiceQuestionType):
    """``multiple``: one or more correct choices; the response is a collection of ids.

    ``all_or_nothing`` scores 1 only for exactly the correct set. ``partial`` uses
    Moodle's fractions: each right pick is worth ``+1/R`` and each wrong pick ``-1/W``
    (``R`` right and ``W`` wrong choices), the total floored at 0. Picking every choice
    therefore scores exactly 0, the same as picking none, whatever R and W are.
    """

    id = "multiple"
    keys = frozenset({"choices", "scoring"})

    def validate(self, raw: Mapping) -> list[Problem]:
        checks = Checks(PLAIN, super().validate(raw))
        checks.one_of(raw, "scoring", SCORING_MODES, required=False)
        return checks.problems

    def _validate_correct_count(self, choices: list, correct_at: list[int]) -> list[Problem]:
        if not correct_at:
            return [
                Problem(("choices",), "no choice is marked correct: true (at least one must be)")
            ]
        return []

    def _scoring(self, raw: Mapping) -> str:
        return raw.get("scoring") or ALL_OR_NOTHING

    @staticmethod
    def _picked(shown: Mapping, response: object) -> tuple[str, ...] | None:
        """The shown ids ``response`` names, in shown order; None if it is malformed."""
        # A str is a collection too (of characters), and a mapping of its keys: both are
        # the wrong shape here, so only real containers of ids are accepted.
        if not isinstance(response, list | tuple | set | frozenset):
            return None
        ids = [c["id"] for c in shown["choices"]]
        chosen: set[str] = set()
        for item in response:
            if not isinstance(item, str) or item not in ids:
                return None
            chosen.add(item)
        return tuple(i for i in ids if i in chosen)

    def grade(self, shown: Mapping, response: object) -> Grade:
        picked = self._picked(shown, response) or ()
        notes = choice_notes(shown, picked)
        correct_ids = {n.id for n in notes if n.correct}
        right = sum(1 for n in notes if n.picked and n.correct)
        wrong = sum(1 for n in notes if n.picked and not n.correct)
        if shown.get("scoring") == PARTIAL:
            # max(1, ...) only guards a shown dict with no correct (or no wrong) choice;
            # validation rules out the first, and with no wrong choice nothing is lost.
            wrong_ids = len(notes) - len(correct_ids)
            score = max(0.0, right / max(1, len(correct_ids)) - wrong / max(1, wrong_ids))
        else:
            score = 1.0 if picked and set(picked) == correct_ids else 0.0
        return make_grade(score, picked, notes)
