"""Moodle's answer weights and this product's scoring, both ways.

This is the one place to adjust when the product's scoring changes: it never restates
the product's formulas, it asks :mod:`lms.domain.questions` to grade every possible
response and compares the result with Moodle's rule, so a change to the product's
scoring is picked up here by itself and only the choice of weights may need a look.

Moodle's rules (qtype_multichoice):

* single answer (radio buttons; GIFT: a question with an ``=`` answer): the score is the
  weight of the picked choice, never below 0;
* multiple answers (check boxes; GIFT: only ``~`` answers, weights in ``%...%``): the
  score is the sum of the weights of the picked choices, clamped to 0..100%.

Moodle accepts only weights from a fixed list (:data:`MOODLE_FRACTIONS`), and the
positive weights of a multiple-answer question must add up to 100%.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from lms.domain.questions import ALL_OR_NOTHING, SCORING_MODES, grade, parse_question, present

#: The grade fractions Moodle accepts (question_bank::fraction_options_full), as percents.
MOODLE_FRACTIONS: tuple[float, ...] = tuple(
    sorted(
        {
            sign * f
            for sign in (1, -1)
            for f in (
                100,
                90,
                83.33333,
                80,
                75,
                70,
                66.66667,
                60,
                50,
                40,
                33.33333,
                30,
                25,
                20,
                16.66667,
                14.28571,
                12.5,
                11.11111,
                10,
                5,
                0,
            )
        }
    )
)

_EPSILON = 1e-6


@dataclass(frozen=True)
class Difference:
    """A response scored differently by Moodle and by this product (scores in 0..1)."""

    picked: tuple[int, ...]
    moodle: float
    ours: float


def nearest_moodle_weight(percent: float) -> float:
    """The weight Moodle would accept that is nearest to ``percent``."""
    return min(MOODLE_FRACTIONS, key=lambda f: abs(f - percent))


def format_weight(percent: float) -> str:
    """A weight as GIFT writes it: ``%50%``, ``%-33.33333%``."""
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return f"%{'0' if text in ('-0', '') else text}%"


def moodle_multi_score(weights: list[float], picked: tuple[int, ...]) -> float:
    """Moodle's score (0..1) for a multiple-answer question."""
    return min(1.0, max(0.0, sum(weights[i] for i in picked) / 100))


def _subsets(n: int):
    return itertools.chain.from_iterable(itertools.combinations(range(n), k) for k in range(n + 1))


def our_multi_scores(correct: list[bool], scoring: str) -> dict[tuple[int, ...], float]:
    """This product's score for every possible response to a multiple-choice question."""
    raw = {
        "id": "q",
        "type": "multiple",
        "section": "s",
        "prompt": "?",
        "feedback": "!",
        "scoring": scoring,
        "choices": [{"text": f"choice {i}", "correct": c} for i, c in enumerate(correct)],
    }
    shown = present(parse_question(raw), random.Random(0))
    return {
        picked: grade(shown, [f"c{i + 1}" for i in picked]).score
        for picked in _subsets(len(correct))
    }


def differences(weights: list[float], correct: list[bool], scoring: str) -> list[Difference]:
    """Every response Moodle (with ``weights``) and this product score differently."""
    ours = our_multi_scores(correct, scoring)
    found = []
    for picked, score in ours.items():
        moodle = moodle_multi_score(weights, picked)
        if abs(moodle - score) > _EPSILON:
            found.append(Difference(picked, moodle, score))
    return found


def scoring_for_weights(
    weights: list[float], hint: str | None = None
) -> tuple[str, list[Difference]]:
    """The scoring mode for a Moodle multiple-answer question, and how it differs.

    A choice is correct when its weight is positive. ``hint`` (a ``scoring-...`` tag that
    this product's own export writes) wins when it names a mode. Otherwise the mode that
    scores every response as Moodle does, else the one closest to Moodle over all
    responses (summed difference); ties go to all-or-nothing, the stricter mode.
    """
    correct = [w > 0 for w in weights]
    if hint in SCORING_MODES:
        return hint, differences(weights, correct, hint)
    ranked = []
    for order, mode in enumerate(SCORING_MODES):
        found = differences(weights, correct, mode)
        distance = sum(abs(d.moodle - d.ours) for d in found)
        ranked.append((distance, mode != ALL_OR_NOTHING, order, mode, found))
    best = min(ranked)
    return best[3], best[4]


def weights_for(correct: list[bool], scoring: str) -> tuple[list[float], list[Difference]]:
    """Moodle weights for a multiple-choice question of this product, and any difference.

    Every correct choice gets an equal share of 100% (this product treats them equally;
    Moodle needs them to add up to 100%). Every wrong choice gets the same penalty,
    chosen from Moodle's list so that Moodle scores as many responses as possible as this
    product does: exactly, when the product's scoring can be written as weights.
    """
    n_correct = sum(correct)
    share = nearest_moodle_weight(100 / n_correct)
    ours = our_multi_scores(correct, scoring)
    best: tuple[float, list[float], list[Difference]] | None = None
    for penalty in sorted((f for f in MOODLE_FRACTIONS if f <= 0), reverse=True):
        weights = [share if c else penalty for c in correct]
        found = [
            Difference(p, moodle_multi_score(weights, p), s)
            for p, s in ours.items()
            if abs(moodle_multi_score(weights, p) - s) > _EPSILON
        ]
        distance = sum(abs(d.moodle - d.ours) for d in found)
        if best is None or distance < best[0] - _EPSILON:
            best = (distance, weights, found)
    assert best is not None
    return best[1], best[2]


def describe(difference: Difference, texts: list[str]) -> str:
    """``picking only 'A' and 'B' scores 50% in Moodle and 0% here``."""
    picked = " and ".join(repr(texts[i]) for i in difference.picked) or "nothing"
    return (
        f"picking {'only ' if difference.picked else ''}{picked} scores "
        f"{difference.moodle:.0%} in Moodle and {difference.ours:.0%} here"
    )


def describe_all(found: list[Difference], texts: list[str], limit: int = 2) -> str:
    """The first ``limit`` differences in words, and how many more there are."""
    words = "; ".join(describe(d, texts) for d in found[:limit])
    if len(found) > limit:
        words += f" (and {len(found) - limit} more)"
    return words
