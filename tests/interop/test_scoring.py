"""Moodle's answer weights against this product's scoring, both ways."""

from __future__ import annotations

import pytest

from lms.domain.questions import ALL_OR_NOTHING, PARTIAL, SCORING_MODES
from lms.interop.scoring import (
    MOODLE_FRACTIONS,
    differences,
    format_weight,
    moodle_multi_score,
    our_multi_scores,
    scoring_for_weights,
    weights_for,
)


@pytest.mark.parametrize(
    "weights, picked, score",
    [
        ([50, 50, -50, -50], (0, 1), 1.0),
        ([50, 50, -50, -50], (0, 2), 0.0),
        ([50, 50, -50, -50], (0, 1, 2, 3), 0.0),
        ([50, 50, -100], (0, 1, 2), 0.0),
        ([50, 50, 0, 0], (0, 1, 2, 3), 1.0),  # zero-weight wrong choices cost nothing in Moodle
        ([100, -50, -50], (0, 1), 0.5),
        ([33.33333] * 3, (0, 1, 2), 1.0),  # clamped to 100%
        ([-50, 50], (0,), 0.0),  # clamped to 0
    ],
)
def test_moodle_multi_response_rule(weights, picked, score):
    assert moodle_multi_score(weights, picked) == pytest.approx(score, abs=1e-6)


@pytest.mark.parametrize(
    "value, text",
    [
        (50, "%50%"),
        (-33.333333, "%-33.33333%"),
        (16.666667, "%16.66667%"),
        (0, "%0%"),
        (-100, "%-100%"),
        (12.5, "%12.5%"),
    ],
)
def test_weights_are_written_as_moodle_reads_them(value, text):
    assert format_weight(value) == text


@pytest.mark.parametrize(
    "correct",
    [
        [True, False],
        [True, True, False],
        [True, True, True, False, False],
        [True, True, True, True, False],
        [True, False, False, False, False, False],
        [True, True, True, True, True, False],
    ],
)
def test_partial_scoring_exports_to_weights_moodle_grades_identically(correct):
    weights, found = weights_for(correct, PARTIAL)
    assert found == []  # every one of the 2^n responses scores the same in Moodle
    assert all(w in MOODLE_FRACTIONS for w in weights)
    assert round(sum(w for w in weights if w > 0), 2) == pytest.approx(100, abs=0.01)
    assert [w > 0 for w in weights] == correct
    # ...and so importing those weights gives partial scoring back, with nothing to report.
    assert scoring_for_weights(weights) == (PARTIAL, []) or sum(correct) == 1


def test_all_or_nothing_has_no_exact_moodle_form_and_the_export_says_how_it_differs():
    correct = [True, True, False, False, False]
    weights, found = weights_for(correct, ALL_OR_NOTHING)
    assert weights == [50, 50, -100, -100, -100]  # any wrong pick loses everything
    assert sorted(d.picked for d in found) == [(0,), (1,)]  # only "half right" differs
    assert all(d.moodle == 0.5 and d.ours == 0 for d in found)


def test_import_prefers_an_exact_mode_then_the_tag_then_the_nearest():
    assert scoring_for_weights([50, 50, -50, -50])[0] == PARTIAL
    # One correct choice: both modes grade the same, so the default wins.
    assert scoring_for_weights([100, -100, -100]) == (ALL_OR_NOTHING, [])
    # The export's tag decides when the weights alone cannot.
    assert scoring_for_weights([100, -100, -100], "partial")[0] == PARTIAL
    # No exact mode: the nearest, with the responses it scores differently.
    mode, found = scoring_for_weights([50, 50, -100, -100, -100])
    assert mode == ALL_OR_NOTHING and {d.picked for d in found} == {(0,), (1,)}


def test_the_nearest_mode_is_the_one_with_the_smallest_total_difference():
    weights, correct = [100, -50, -50], [True, False, False]  # Moodle's "tricky" example
    mode, found = scoring_for_weights(weights)
    other = next(m for m in SCORING_MODES if m != mode)
    assert found == differences(weights, correct, mode)
    assert total(found) <= total(differences(weights, correct, other))


def total(found) -> float:
    return sum(abs(d.moodle - d.ours) for d in found)


def test_our_scores_come_from_the_domain_grader():
    scores = our_multi_scores([True, False], PARTIAL)
    assert scores[(0,)] == 1.0 and scores[()] == 0.0 and scores[(1,)] == 0.0
    assert our_multi_scores([True, True, False], ALL_OR_NOTHING)[(0,)] == 0.0
