"""``matching``: match each left item to a right item (optionally among distractors)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.domain.checks import PLAIN, Checks
from lms.domain.matching import matched_one_to_one, validate_distractors
from lms.domain.problems import PathPart, Problem
from lms.domain.questions.base import (
    QuestionType,
    base_fields,
    clean,
    note_duplicate,
    shown_base,
)
from lms.domain.questions.values import (
    MIN_PAIRS,
    PAIR_KEYS,
    PARTIAL,
    ChoiceNote,
    Grade,
    Pair,
    Question,
    make_grade,
)


class Matching(QuestionType):
    """``matching``: match each left item to a right item.

    Shown as the pairs with their lefts in shuffled order plus the right texts and the
    optional ``distractors`` shuffled together as ``options``. The response maps pair
    ids to option texts; the score is the fraction of pairs matched correctly, one to
    one: an option given to two pairs counts for neither (see :mod:`lms.domain.matching`).
    A pair left out (or mapped to None) is simply unanswered.
    """

    id = "matching"
    keys = frozenset({"pairs", "distractors"})

    def validate(self, raw: Mapping) -> list[Problem]:
        pairs = raw.get("pairs")
        if pairs is None:
            return [Problem(("pairs",), "missing pairs")]
        if not isinstance(pairs, list):
            return [Problem(("pairs",), "pairs must be a list")]
        checks = Checks(PLAIN)
        if len(pairs) < MIN_PAIRS:
            checks.add(("pairs",), f"needs at least {MIN_PAIRS} pairs, got {len(pairs)}")
        seen: dict[str, dict[str, int]] = {"left": {}, "right": {}}
        for i, pair in enumerate(pairs):
            path: tuple[PathPart, ...] = ("pairs", i)
            if not isinstance(pair, Mapping):
                checks.add(path, "a pair must be a mapping with left and right")
                continue
            for side in ("left", "right"):
                text = checks.text(pair, side, path)
                if text is not None:
                    note_duplicate(
                        checks, seen[side], text, i, path + (side,), f"{side} text", "pair"
                    )
            checks.unknown_keys(pair, PAIR_KEYS, path, listed=False)
        problems = checks.problems
        rights = [p.get("right") for p in pairs if isinstance(p, Mapping)]
        return problems + validate_distractors(raw.get("distractors"), rights)

    def parse(self, raw: Mapping) -> Question:
        pairs = tuple(
            Pair(id=f"p{i}", left=clean(p["left"]), right=clean(p["right"]))
            for i, p in enumerate(raw["pairs"], start=1)
        )
        distractors = tuple(clean(d) for d in raw.get("distractors") or ())
        return Question(**base_fields(raw), pairs=pairs, scoring=PARTIAL, distractors=distractors)

    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        pairs = [{"id": p.id, "left": p.left, "right": p.right} for p in question.pairs]
        rng.shuffle(pairs)
        options = [p.right for p in question.pairs] + list(question.distractors)
        rng.shuffle(options)
        return {**shown_base(question), "pairs": pairs, "options": options}

    @staticmethod
    def _answers(shown: Mapping, response: object) -> dict[str, str] | None:
        """Pair id -> chosen right text, or None if ``response`` is malformed."""
        if not isinstance(response, Mapping):
            return None
        pair_ids = {p["id"] for p in shown["pairs"]}
        options = list(shown["options"])
        answers: dict[str, str] = {}
        for key, value in response.items():
            if not isinstance(key, str) or key not in pair_ids:
                return None
            if value is None:
                continue
            if not isinstance(value, str) or value not in options:
                return None
            answers[key] = value
        return answers

    def grade(self, shown: Mapping, response: object) -> Grade:
        answers = self._answers(shown, response) or {}
        right = matched_one_to_one(shown["pairs"], answers)
        notes = [
            ChoiceNote(
                id=p["id"],
                text=p["left"],
                picked=p["id"] in answers,
                correct=right[p["id"]],
                feedback=None,
            )
            for p in shown["pairs"]
        ]
        score = sum(1 for n in notes if n.correct) / len(notes) if notes else 0.0
        return make_grade(score, [n.id for n in notes if n.picked], notes)
