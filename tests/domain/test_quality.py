"""Pure course-quality checks on small tables of questions (fixture courses are in
tests/courses/test_quality.py)."""

from __future__ import annotations

import pytest

from lms.domain.quality import CHECKS, QuestionFile
from lms.domain.quality.answers import beyond_chance, check_answers


@pytest.mark.parametrize(
    ("count", "probabilities", "flagged"),
    [
        (4, [0.25] * 4, False),  # too few questions to judge
        (5, [0.25] * 5, True),  # every one of 5 at a 1-in-4 position
        (4, [0.25] * 5, False),  # 1.25 expected: 4 is within chance for so few
        (3, [0.25] * 5, False),
        (19, [0.25] * 51, False),  # 19 of 51 where 12.75 is expected: within chance
        (20, [0.25] * 51, True),
        (51, [0.25] * 51, True),
        (8, [0.5] * 10, False),
        (10, [0.5] * 10, True),
    ],
)
def test_beyond_chance(count, probabilities, flagged):
    assert beyond_chance(count, probabilities) is flagged


def single(qid, texts, key):
    return {
        "id": qid,
        "type": "single",
        "section": "s",
        "choices": [
            {"text": t, **({"correct": True} if i == key else {})} for i, t in enumerate(texts)
        ],
    }


def multiple(qid, texts, keys):
    return {
        "id": qid,
        "type": "multiple",
        "section": "s",
        "choices": [
            {"text": t, **({"correct": True} if i in keys else {})} for i, t in enumerate(texts)
        ],
    }


def checks_of(*questions, final=False):
    return [
        (f.check, f.path) for f in check_answers([QuestionFile("q.yaml", list(questions), final)])
    ]


def test_keys_spread_over_positions_are_fine():
    texts = ["Alpha one", "Bravo two", "Charlie three", "Delta four"]
    questions = [single(f"q{i}", texts[i % 4 :] + texts[: i % 4], i % 4) for i in range(8)]
    assert checks_of(*questions) == []


def test_every_correct_choice_sharing_a_first_word_is_a_cue():
    q = multiple("m", ["Report it now", "Report it later", "Ignore it", "Delete it"], {0, 1})
    assert checks_of(q) == [("first-word", (0,))]


def test_a_shared_first_word_the_key_also_has_is_no_cue():
    q = single("s", ["Only the team", "Only managers", "Only you"], 0)
    assert checks_of(q) == []


def test_true_false_answers_leaning_one_way():
    tf = [{"id": f"t{i}", "type": "true_false", "section": "s", "answer": True} for i in range(8)]
    assert checks_of(*tf) == [("answer-position", (0,))]
    balanced = [{**q, "answer": i % 2 == 0} for i, q in enumerate(tf)]
    assert checks_of(*balanced) == []


def test_correct_choices_always_at_the_top_of_multiple_choice():
    texts = ["Apples here", "Bananas there", "Cherries up", "Dates down", "Figs out"]
    rotated = [texts[i:] + texts[:i] for i in range(5)]
    top = [multiple(f"m{i}", rotated[i % 5], set(range(1 + i % 3))) for i in range(6)]
    found = {check for check, _ in checks_of(*top)}
    assert "answer-position" in found


def test_a_final_pool_that_is_every_question_is_judged_once():
    questions = [
        single(f"q{i}", ["Keep it", "Argue back loudly", "Delete the post"], 0) for i in range(6)
    ]
    assert checks_of(*questions, final=True) == [("answer-position", (0,))]


def test_every_check_is_documented():
    assert set(CHECKS) == {
        "answer-position",
        "longest-answer",
        "first-word",
        "multiple-counts",
        "all-correct",
        "matching-distractor",
        "section-coverage",
        "fact-coverage",
        "fact-tags",
        "reading-time",
        "scenario-strategy",
    }
