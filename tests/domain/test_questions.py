"""Question types: validation, parsing, presentation, grading and the public view."""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.problems import Problem
from lms.domain.questions import (
    QUESTION_TYPES,
    ChoiceNote,
    Grade,
    Matching,
    Question,
    grade,
    parse_question,
    passed,
    present,
    public_view,
    question_from_dict,
    question_to_dict,
    register_question_type,
    score_percent,
    validate_question,
    validate_question_list,
)

SECTIONS = {"purpose-scope", "personal-accounts", "conflict-complaints"}

# --------------------------------------------------------------------------- raw builders


def raw_single(**over):
    raw = {
        "id": "scope-01",
        "type": "single",
        "section": "purpose-scope",
        "prompt": "Which of these does the policy count as social media?",
        "choices": [
            {"text": "Only the company's official accounts"},
            {
                "text": "Any public online platform",
                "correct": True,
                "feedback": "Right: every public platform.",
            },
            {"text": "Only networks used on company devices", "feedback": "Too narrow."},
        ],
        "feedback": "The policy covers every platform where people publish in public.",
    }
    raw.update(over)
    return raw


def raw_multiple(**over):
    raw = {
        "id": "scope-02",
        "type": "multiple",
        "scoring": "all_or_nothing",
        "section": "purpose-scope",
        "prompt": "Select every platform the policy covers.",
        "choices": [
            {"text": "Blogs", "correct": True},
            {"text": "Video sites", "correct": True},
            {"text": "Private letters"},
            {"text": "Forums", "correct": True},
        ],
        "feedback": "Anything public counts.",
    }
    raw.update(over)
    return raw


def raw_true_false(**over):
    raw = {
        "id": "scope-03",
        "type": "true_false",
        "section": "personal-accounts",
        "prompt": "Deleting a post removes every copy of it.",
        "answer": False,
        "feedback": "Screenshots and archives keep copies.",
    }
    raw.update(over)
    return raw


def raw_matching(**over):
    raw = {
        "id": "scope-04",
        "type": "matching",
        "section": "conflict-complaints",
        "prompt": "Match each situation to the right move.",
        "pairs": [
            {"left": "A refund request in public comments", "right": "Point to support"},
            {"left": "A journalist asks for comment", "right": "Refer to communications"},
            {"left": "A colleague posts a rumour", "right": "Talk to them privately"},
            {"left": "A customer insults you", "right": "Do not reply; tell your manager"},
        ],
        "feedback": "Route each case to whoever owns it.",
    }
    raw.update(over)
    return raw


def without(raw, key):
    raw = dict(raw)
    del raw[key]
    return raw


def with_choice(raw, index, **over):
    raw = copy.deepcopy(raw)
    raw["choices"][index].update(over)
    return raw


def with_pair(raw, index, **over):
    raw = copy.deepcopy(raw)
    raw["pairs"][index].update(over)
    return raw


def without_in_pair(raw, index, key):
    raw = copy.deepcopy(raw)
    del raw["pairs"][index][key]
    return raw


def raw_matching_with_distractors(**over):
    return raw_matching(distractors=["Delete it", "Ask for their address"], **over)


VALID = [raw_single(), raw_multiple(), raw_true_false(), raw_matching()]


def shown_for(raw, seed=0):
    return present(parse_question(raw), random.Random(seed))


# --------------------------------------------------------------------------- registry


def test_the_four_types_are_registered():
    assert set(QUESTION_TYPES) == {"single", "multiple", "true_false", "matching"}
    assert all(qt.id == key for key, qt in QUESTION_TYPES.items())


def test_registering_a_duplicate_id_raises():
    with pytest.raises(ValueError, match="already registered"):
        register_question_type(Matching())
    assert isinstance(QUESTION_TYPES["matching"], Matching)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("raw", VALID, ids=[r["type"] for r in VALID])
def test_valid_questions_have_no_problems(raw):
    assert validate_question(raw, SECTIONS) == []


def test_the_valid_list_has_no_problems():
    seen: set[str] = set()
    assert validate_question_list(VALID, SECTIONS, seen_ids=seen) == []
    assert seen == {"scope-01", "scope-02", "scope-03", "scope-04"}


BROKEN = [
    # (id, raw, expected path of the only problem, fragment of its message)
    ("not-a-mapping", ["id", "x"], (), "mapping"),
    ("missing-id", without(raw_single(), "id"), ("id",), "missing id"),
    ("bad-id-chars", raw_single(id="scope 01!"), ("id",), "letters, digits"),
    ("empty-id", raw_single(id=""), ("id",), "letters, digits"),
    ("int-id", raw_single(id=7), ("id",), "letters, digits"),
    ("missing-type", without(raw_single(), "type"), ("type",), "missing type"),
    ("unknown-type", raw_single(type="essay"), ("type",), "unknown question type 'essay'"),
    ("unknown-section", raw_single(section="nope"), ("section",), "unknown policy section"),
    ("missing-section", without(raw_single(), "section"), ("section",), "missing section"),
    ("missing-prompt", without(raw_single(), "prompt"), ("prompt",), "missing prompt"),
    ("blank-prompt", raw_single(prompt="   "), ("prompt",), "must not be empty"),
    ("prompt-not-text", raw_single(prompt=2019), ("prompt",), "must be text"),
    ("missing-feedback", without(raw_single(), "feedback"), ("feedback",), "missing feedback"),
    ("unknown-key", raw_single(hint="try harder"), ("hint",), "unknown key 'hint'"),
    ("key-of-other-type", raw_single(answer=True), ("answer",), "unknown key 'answer'"),
    (
        "single-no-correct",
        with_choice(raw_single(), 1, correct=False),
        ("choices",),
        "no choice is marked correct",
    ),
    (
        "single-two-correct",
        with_choice(raw_single(), 2, correct=True),
        ("choices", 2, "correct"),
        "exactly one correct",
    ),
    (
        "correct-not-bool",
        with_choice(raw_multiple(), 2, correct="yes"),
        ("choices", 2, "correct"),
        "true or false",
    ),
    (
        "multiple-no-correct",
        raw_multiple(choices=[{"text": "A"}, {"text": "B"}]),
        ("choices",),
        "at least one",
    ),
    ("multiple-bad-scoring", raw_multiple(scoring="some"), ("scoring",), "scoring must be"),
    (
        "duplicate-choice-text",
        with_choice(raw_single(), 2, text="only the company's  OFFICIAL accounts"),
        ("choices", 2, "text"),
        "duplicate choice text",
    ),
    ("empty-choice-text", with_choice(raw_single(), 0, text=""), ("choices", 0, "text"), "empty"),
    (
        "choice-missing-text",
        raw_single(choices=[{"text": "A", "correct": True}, {"feedback": "x"}]),
        ("choices", 1, "text"),
        "missing text",
    ),
    (
        "choice-not-mapping",
        raw_single(choices=[{"text": "A", "correct": True}, "B"]),
        ("choices", 1),
        "mapping",
    ),
    (
        "choice-unknown-key",
        with_choice(raw_single(), 0, score=3),
        ("choices", 0, "score"),
        "unknown key",
    ),
    (
        "too-few-choices",
        raw_single(choices=[{"text": "A", "correct": True}]),
        ("choices",),
        "2 to 6 choices, got 1",
    ),
    (
        "too-many-choices",
        raw_multiple(choices=[{"text": f"C{i}", "correct": True} for i in range(7)]),
        ("choices",),
        "2 to 6 choices, got 7",
    ),
    ("choices-not-list", raw_single(choices="A, B"), ("choices",), "must be a list"),
    ("missing-choices", without(raw_single(), "choices"), ("choices",), "missing choices"),
    ("tf-answer-string", raw_true_false(answer="false"), ("answer",), "true or false"),
    ("tf-answer-int", raw_true_false(answer=0), ("answer",), "true or false"),
    ("tf-missing-answer", without(raw_true_false(), "answer"), ("answer",), "missing answer"),
    (
        "matching-one-pair",
        raw_matching(pairs=[{"left": "A", "right": "B"}]),
        ("pairs",),
        "at least 2 pairs",
    ),
    (
        "matching-duplicate-left",
        with_pair(raw_matching(), 3, left="A journalist asks for comment"),
        ("pairs", 3, "left"),
        "duplicate left",
    ),
    (
        "matching-duplicate-right",
        with_pair(raw_matching(), 1, right="Point to support"),
        ("pairs", 1, "right"),
        "duplicate right",
    ),
    (
        "matching-missing-right",
        without_in_pair(raw_matching(), 2, "right"),
        ("pairs", 2, "right"),
        "missing right",
    ),
    ("matching-empty-left", with_pair(raw_matching(), 0, left=" "), ("pairs", 0, "left"), "empty"),
    (
        "matching-pair-not-mapping",
        raw_matching(pairs=[{"left": "A", "right": "B"}, "C -> D"]),
        ("pairs", 1),
        "mapping",
    ),
    (
        "matching-pair-unknown-key",
        with_pair(raw_matching(), 1, middle="x"),
        ("pairs", 1, "middle"),
        "unknown key",
    ),
    ("matching-missing-pairs", without(raw_matching(), "pairs"), ("pairs",), "missing pairs"),
    (
        "distractors-not-list",
        raw_matching(distractors="Delete it"),
        ("distractors",),
        "non-empty list",
    ),
    ("distractors-empty-list", raw_matching(distractors=[]), ("distractors",), "non-empty list"),
    (
        "distractor-is-a-right",
        raw_matching(distractors=["point to SUPPORT"]),
        ("distractors", 0),
        "also the right answer",
    ),
    (
        "distractor-duplicate",
        raw_matching(distractors=["Delete it", "delete  it"]),
        ("distractors", 1),
        "duplicate distractor",
    ),
    ("distractor-not-text", raw_matching(distractors=[3]), ("distractors", 0), "must be text"),
    ("distractor-blank", raw_matching(distractors=[" "]), ("distractors", 0), "not be empty"),
    (
        "too-many-distractors",
        raw_matching(distractors=[f"D{i}" for i in range(5)]),
        ("distractors",),
        "at most 4",
    ),
    ("distractors-on-a-single", raw_single(distractors=["x"]), ("distractors",), "unknown key"),
]


@pytest.mark.parametrize(
    ("raw", "path", "fragment"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_each_broken_question_reports_one_problem_at_its_path(raw, path, fragment):
    problems = validate_question(raw, SECTIONS)
    assert [p.path for p in problems] == [path], problems
    assert fragment in problems[0].message


def test_several_problems_are_all_reported():
    raw = raw_single(id="", section="nope", choices=[{"text": "A"}], extra=1)
    paths = {p.path for p in validate_question(raw, SECTIONS)}
    assert paths == {("id",), ("section",), ("extra",), ("choices",)}


LIST_CASES = [
    ("not-a-list", {"id": "scope-01"}, [((), "must be a list")]),
    ("empty-list", [], [((), "at least one question")]),
    (
        "item-problems-are-prefixed",
        [raw_single(), raw_true_false(answer="no")],
        [((1, "answer"), "true or false")],
    ),
    (
        "duplicate-id-in-file",
        [raw_single(), raw_true_false(), raw_matching(id="scope-01")],
        [((2, "id"), "duplicate question id 'scope-01' (also question 1 of this file)")],
    ),
    ("item-not-mapping", [raw_single(), None], [((1,), "mapping")]),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in LIST_CASES], ids=[c[0] for c in LIST_CASES]
)
def test_question_list_problems(raw, expected):
    problems = validate_question_list(raw, SECTIONS)
    assert [p.path for p in problems] == [path for path, _ in expected]
    for problem, (_, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message


def test_duplicate_ids_across_files_via_seen_ids():
    seen: set[str] = set()
    assert validate_question_list([raw_single(), raw_true_false()], SECTIONS, seen_ids=seen) == []
    second = [raw_matching(), raw_multiple(id="scope-03")]
    problems = validate_question_list(second, SECTIONS, seen_ids=seen)
    assert problems == [
        Problem((1, "id"), "duplicate question id 'scope-03' (used in another file)")
    ]
    assert seen == {"scope-01", "scope-03", "scope-04"}


def test_without_seen_ids_each_call_stands_alone():
    assert validate_question_list([raw_single()], SECTIONS) == []
    assert validate_question_list([raw_single()], SECTIONS) == []


# --------------------------------------------------------------------------- parsing


def test_parse_single_derives_ids_from_source_positions():
    q = parse_question(raw_single())
    assert (q.id, q.type, q.section, q.scoring) == (
        "scope-01",
        "single",
        "purpose-scope",
        "all_or_nothing",
    )
    assert [c.id for c in q.choices] == ["c1", "c2", "c3"]
    assert [c.correct for c in q.choices] == [False, True, False]
    assert q.choices[1].feedback == "Right: every public platform."
    assert q.choices[0].feedback is None


def test_parse_defaults_multiple_scoring_to_all_or_nothing():
    assert parse_question(without(raw_multiple(), "scoring")).scoring == "all_or_nothing"
    assert parse_question(raw_multiple(scoring="partial")).scoring == "partial"


def test_parse_true_false_and_matching():
    tf = parse_question(raw_true_false())
    assert tf.answer is False and tf.choices == () and tf.pairs == ()
    m = parse_question(raw_matching())
    assert [p.id for p in m.pairs] == ["p1", "p2", "p3", "p4"]
    assert m.pairs[0].right == "Point to support"


def test_parse_rejects_an_invalid_question():
    with pytest.raises(ValueError, match="choices"):
        parse_question(with_choice(raw_single(), 1, correct=False))


def test_a_matching_question_with_distractors_is_valid_and_keeps_them():
    raw = raw_matching_with_distractors()
    assert validate_question(raw, SECTIONS) == []
    assert parse_question(raw).distractors == ("Delete it", "Ask for their address")


def test_facts_are_a_common_key():
    # Which facts exist is the course loader's business (lms.domain.facts).
    assert validate_question(raw_single(facts=["scope-definition"]), SECTIONS) == []


@pytest.mark.parametrize(
    "raw",
    [*VALID, raw_matching_with_distractors()],
    ids=[*(r["type"] for r in VALID), "distractors"],
)
def test_question_dict_round_trip_through_json(raw):
    question = parse_question(raw)
    stored = json.loads(json.dumps(question_to_dict(question)))
    assert question_from_dict(stored) == question


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"type": "essay", "id": "x"},
        {**question_to_dict(parse_question(raw_single())), "choices": [1]},
    ],
    ids=["empty", "unknown-type", "bad-choice"],
)
def test_question_from_dict_rejects_other_shapes(data):
    with pytest.raises(ValueError):
        question_from_dict(data)


# --------------------------------------------------------------------------- present


@pytest.mark.parametrize("raw", VALID, ids=[r["type"] for r in VALID])
def test_shown_question_is_json_and_carries_the_question(raw):
    shown = shown_for(raw)
    assert json.loads(json.dumps(shown)) == shown
    assert {k: shown[k] for k in ("id", "type", "section", "prompt", "feedback")} == {
        k: raw[k] for k in ("id", "type", "section", "prompt", "feedback")
    }
    assert "scoring" in shown


def test_choice_order_depends_on_the_rng_and_ids_stay_with_their_text():
    question = parse_question(raw_multiple())
    orders = set()
    for seed in range(30):
        shown = present(question, random.Random(seed))
        orders.add(tuple(c["id"] for c in shown["choices"]))
        by_id = {c["id"]: c for c in shown["choices"]}
        assert by_id["c1"]["text"] == "Blogs" and by_id["c1"]["correct"] is True
        assert by_id["c3"]["text"] == "Private letters" and by_id["c3"]["correct"] is False
        assert sorted(by_id) == ["c1", "c2", "c3", "c4"]
    assert len(orders) > 1


def test_same_rng_state_gives_same_presentation():
    question = parse_question(raw_matching())
    assert present(question, random.Random(7)) == present(question, random.Random(7))


def test_true_false_is_shown_in_fixed_order():
    question = parse_question(raw_true_false())
    for seed in range(5):
        shown = present(question, random.Random(seed))
        assert [(c["id"], c["text"], c["correct"]) for c in shown["choices"]] == [
            ("true", "True", False),
            ("false", "False", True),
        ]


def test_matching_shuffles_lefts_and_options_and_keeps_pair_ids():
    question = parse_question(raw_matching())
    left_orders, option_orders = set(), set()
    for seed in range(30):
        shown = present(question, random.Random(seed))
        pairs = {p["id"]: p for p in shown["pairs"]}
        assert pairs["p1"] == {
            "id": "p1",
            "left": "A refund request in public comments",
            "right": "Point to support",
        }
        assert sorted(shown["options"]) == sorted(p.right for p in question.pairs)
        left_orders.add(tuple(pairs))
        option_orders.add(tuple(shown["options"]))
    assert len(left_orders) > 1 and len(option_orders) > 1


def test_distractors_are_shuffled_in_among_the_options():
    question = parse_question(raw_matching_with_distractors())
    positions = set()
    for seed in range(30):
        options = present(question, random.Random(seed))["options"]
        assert sorted(options) == sorted(
            [p.right for p in question.pairs] + ["Delete it", "Ask for their address"]
        )
        positions.add(options.index("Delete it"))
    assert len(positions) > 2


def _keys_anywhere(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys_anywhere(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys_anywhere(v)


@pytest.mark.parametrize("raw", VALID, ids=[r["type"] for r in VALID])
def test_public_view_drops_answers_anywhere(raw):
    shown = shown_for(raw)
    before = copy.deepcopy(shown)
    view = public_view(shown)
    assert shown == before, "public_view must not modify the snapshot"
    keys = set(_keys_anywhere(view))
    assert "correct" not in keys and "feedback" not in keys
    assert {"id", "type", "section", "prompt", "scoring"} <= set(view)
    if raw["type"] == "matching":
        assert [set(p) for p in view["pairs"]] == [{"id", "left"}] * 4
        assert view["options"] == shown["options"]
    else:
        assert [(c["id"], c["text"]) for c in view["choices"]] == [
            (c["id"], c["text"]) for c in shown["choices"]
        ]
    assert QUESTION_TYPES[raw["type"]].public_view(shown) == view


def test_public_view_strips_nested_extras_too():
    shown = {"id": "x", "extra": [{"deep": {"correct": True, "feedback": "f", "keep": 1}}]}
    assert public_view(shown) == {"id": "x", "extra": [{"deep": {"keep": 1}}]}


# --------------------------------------------------------------------------- grading

SINGLE = shown_for(raw_single())  # c2 is correct
MULTIPLE = shown_for(raw_multiple())  # c1, c2, c4 correct; c3 wrong
PARTIAL = shown_for(raw_multiple(scoring="partial"))
TRUE_FALSE = shown_for(raw_true_false())  # answer: false
MATCHING = shown_for(raw_matching())
RIGHTS = {p["id"]: p["right"] for p in MATCHING["pairs"]}
MATCHING_D = shown_for(raw_matching_with_distractors())
# Two right (c1, c2) and two wrong (c3, c4): each right pick +1/2, each wrong pick -1/2.
PARTIAL_2_2 = shown_for(
    raw_multiple(
        scoring="partial",
        choices=[
            {"text": "Blogs", "correct": True},
            {"text": "Forums", "correct": True},
            {"text": "Private letters"},
            {"text": "Phone calls"},
        ],
    )
)
# Four right and one wrong: the shape where "select everything" used to score 0.75.
PARTIAL_4_1 = shown_for(
    raw_multiple(
        scoring="partial",
        choices=[{"text": f"Right {i}", "correct": True} for i in range(4)] + [{"text": "Wrong"}],
    )
)

GRADE_CASES = [
    # (id, shown, response, score, picked)
    ("single-right", SINGLE, "c2", 1.0, ("c2",)),
    ("single-wrong", SINGLE, "c1", 0.0, ("c1",)),
    ("single-unknown-id", SINGLE, "c9", 0.0, ()),
    ("single-none", SINGLE, None, 0.0, ()),
    ("single-list-given", SINGLE, ["c2"], 0.0, ()),
    ("single-int-given", SINGLE, 2, 0.0, ()),
    ("single-text-given", SINGLE, "Any public online platform", 0.0, ()),
    ("multi-exact", MULTIPLE, ["c4", "c1", "c2"], 1.0, ("c1", "c2", "c4")),
    ("multi-exact-set", MULTIPLE, {"c1", "c2", "c4"}, 1.0, ("c1", "c2", "c4")),
    ("multi-exact-repeated", MULTIPLE, ["c1", "c1", "c2", "c4"], 1.0, ("c1", "c2", "c4")),
    ("multi-subset", MULTIPLE, ["c1", "c2"], 0.0, ("c1", "c2")),
    ("multi-superset", MULTIPLE, ["c1", "c2", "c3", "c4"], 0.0, ("c1", "c2", "c3", "c4")),
    ("multi-empty", MULTIPLE, [], 0.0, ()),
    ("multi-none", MULTIPLE, None, 0.0, ()),
    ("multi-string-given", MULTIPLE, "c1", 0.0, ()),
    ("multi-mapping-given", MULTIPLE, {"c1": True}, 0.0, ()),
    ("multi-unknown-id", MULTIPLE, ["c1", "c2", "c4", "c9"], 0.0, ()),
    ("multi-non-string-item", MULTIPLE, ["c1", 2], 0.0, ()),
    ("partial-all-right", PARTIAL, ["c1", "c2", "c4"], 1.0, ("c1", "c2", "c4")),
    ("partial-2-of-3", PARTIAL, ["c1", "c4"], 2 / 3, ("c1", "c4")),
    # One wrong choice: picking it costs a whole point (-1/W with W = 1).
    ("partial-right-and-wrong", PARTIAL, ["c1", "c2", "c3"], 0.0, ("c1", "c2", "c3")),
    ("partial-1-right-1-wrong", PARTIAL, ["c2", "c3"], 0.0, ("c2", "c3")),
    ("partial-all-wrong-floors", PARTIAL, ["c3"], 0.0, ("c3",)),
    ("partial-everything", PARTIAL, ["c1", "c2", "c3", "c4"], 0.0, ("c1", "c2", "c3", "c4")),
    ("partial-2-2-both-right", PARTIAL_2_2, ["c1", "c2"], 1.0, ("c1", "c2")),
    ("partial-2-2-one-right", PARTIAL_2_2, ["c1"], 0.5, ("c1",)),
    ("partial-2-2-two-right-one-wrong", PARTIAL_2_2, ["c1", "c2", "c3"], 0.5, ("c1", "c2", "c3")),
    ("partial-2-2-one-each", PARTIAL_2_2, ["c1", "c4"], 0.0, ("c1", "c4")),
    (
        "partial-2-2-everything",
        PARTIAL_2_2,
        ["c1", "c2", "c3", "c4"],
        0.0,
        ("c1", "c2", "c3", "c4"),
    ),
    (
        "partial-4-1-everything",
        PARTIAL_4_1,
        ["c1", "c2", "c3", "c4", "c5"],
        0.0,
        ("c1", "c2", "c3", "c4", "c5"),
    ),
    ("partial-4-1-three-right", PARTIAL_4_1, ["c1", "c2", "c3"], 0.75, ("c1", "c2", "c3")),
    ("partial-forged-id", PARTIAL, ["c1", "c2", "c4", "x"], 0.0, ()),
    ("tf-right", TRUE_FALSE, "false", 1.0, ("false",)),
    ("tf-wrong", TRUE_FALSE, "true", 0.0, ("true",)),
    ("tf-bool-right", TRUE_FALSE, False, 1.0, ("false",)),
    ("tf-bool-wrong", TRUE_FALSE, True, 0.0, ("true",)),
    ("tf-capitalised", TRUE_FALSE, "False", 0.0, ()),
    ("tf-garbage", TRUE_FALSE, "maybe", 0.0, ()),
    ("tf-int", TRUE_FALSE, 0, 0.0, ()),
    ("tf-none", TRUE_FALSE, None, 0.0, ()),
    ("tf-list", TRUE_FALSE, ["false"], 0.0, ()),
    ("match-all-right", MATCHING, dict(RIGHTS), 1.0, ("p1", "p2", "p3", "p4")),
    (
        "match-half",
        MATCHING,
        {"p1": RIGHTS["p1"], "p2": RIGHTS["p2"], "p3": RIGHTS["p4"], "p4": RIGHTS["p3"]},
        0.5,
        ("p1", "p2", "p3", "p4"),
    ),
    (
        "match-none",
        MATCHING,
        {"p1": RIGHTS["p2"], "p2": RIGHTS["p1"], "p3": RIGHTS["p4"], "p4": RIGHTS["p3"]},
        0.0,
        ("p1", "p2", "p3", "p4"),
    ),
    (
        # One answer for every item is right for one of them, but used four times.
        "match-same-option-everywhere",
        MATCHING,
        dict.fromkeys(RIGHTS, RIGHTS["p1"]),
        0.0,
        ("p1", "p2", "p3", "p4"),
    ),
    (
        "match-option-used-twice-scores-neither",
        MATCHING,
        {**RIGHTS, "p2": RIGHTS["p1"]},
        0.5,
        ("p1", "p2", "p3", "p4"),
    ),
    ("match-d-all-right", MATCHING_D, dict(RIGHTS), 1.0, ("p1", "p2", "p3", "p4")),
    (
        "match-d-distractor-is-wrong",
        MATCHING_D,
        {**RIGHTS, "p4": "Delete it"},
        0.75,
        ("p1", "p2", "p3", "p4"),
    ),
    (
        "match-d-distractor-everywhere",
        MATCHING_D,
        dict.fromkeys(RIGHTS, "Ask for their address"),
        0.0,
        ("p1", "p2", "p3", "p4"),
    ),
    ("match-missing-keys", MATCHING, {"p1": RIGHTS["p1"], "p3": RIGHTS["p3"]}, 0.5, ("p1", "p3")),
    ("match-none-value-is-unanswered", MATCHING, {**RIGHTS, "p2": None}, 0.75, ("p1", "p3", "p4")),
    ("match-empty", MATCHING, {}, 0.0, ()),
    ("match-extra-keys", MATCHING, {**RIGHTS, "csrf": "x"}, 0.0, ()),
    ("match-forged-pair-id", MATCHING, {**without(RIGHTS, "p4"), "p5": RIGHTS["p4"]}, 0.0, ()),
    ("match-forged-option", MATCHING, {**RIGHTS, "p1": "Something not shown"}, 0.0, ()),
    ("match-non-string-value", MATCHING, {**RIGHTS, "p1": 1}, 0.0, ()),
    ("match-non-string-key", MATCHING, {1: RIGHTS["p1"]}, 0.0, ()),
    ("match-list-given", MATCHING, list(RIGHTS.values()), 0.0, ()),
    ("match-response-none", MATCHING, None, 0.0, ()),
]


@pytest.mark.parametrize(
    ("shown", "response", "score", "picked"),
    [c[1:] for c in GRADE_CASES],
    ids=[c[0] for c in GRADE_CASES],
)
def test_grade(shown, response, score, picked):
    result = grade(shown, response)
    assert result.score == pytest.approx(score)
    assert result.correct is (score == 1.0)
    # picked follows the shown order, which depends on the shuffle.
    assert sorted(result.picked) == list(picked)
    assert QUESTION_TYPES[shown["type"]].grade(shown, response) == result


@given(right=st.integers(1, 5), wrong=st.integers(1, 5), data=st.data())
def test_partial_credit_never_rewards_guessing(right, wrong, data):
    """Selecting everything scores 0, like selecting nothing; a subset scores at most its rights."""
    if right + wrong > 6:
        return
    choices = [{"text": f"R{i}", "correct": True} for i in range(right)]
    choices += [{"text": f"W{i}"} for i in range(wrong)]
    shown = shown_for(raw_multiple(scoring="partial", choices=choices))
    ids = [c["id"] for c in shown["choices"]]
    assert grade(shown, ids).score == 0.0
    assert grade(shown, []).score == 0.0
    picked = data.draw(st.sets(st.sampled_from(ids)))
    rights = sum(1 for c in shown["choices"] if c["id"] in picked and c["correct"])
    assert grade(shown, sorted(picked)).score <= rights / right


def test_partial_two_of_three_is_0667():
    assert round(grade(PARTIAL, ["c1", "c4"]).score, 3) == 0.667


def test_picked_follows_the_shown_order():
    shown_ids = [c["id"] for c in MULTIPLE["choices"]]
    assert grade(MULTIPLE, ["c4", "c3", "c2", "c1"]).picked == tuple(shown_ids)
    pair_ids = [p["id"] for p in MATCHING["pairs"]]
    assert grade(MATCHING, dict(reversed(RIGHTS.items()))).picked == tuple(pair_ids)


def test_single_notes_give_per_choice_feedback_in_shown_order():
    result = grade(SINGLE, "c3")
    assert [n.id for n in result.notes] == [c["id"] for c in SINGLE["choices"]]
    notes = {n.id: n for n in result.notes}
    assert notes["c3"] == ChoiceNote(
        "c3", "Only networks used on company devices", True, False, "Too narrow."
    )
    assert notes["c2"] == ChoiceNote(
        "c2", "Any public online platform", False, True, "Right: every public platform."
    )
    assert notes["c1"].feedback is None


def test_matching_notes_say_which_pairs_were_matched_right():
    response = {"p1": RIGHTS["p1"], "p2": RIGHTS["p3"]}
    notes = {n.id: n for n in grade(MATCHING, response).notes}
    assert (notes["p1"].picked, notes["p1"].correct) == (True, True)
    assert (notes["p2"].picked, notes["p2"].correct) == (True, False)
    assert (notes["p3"].picked, notes["p3"].correct) == (False, False)
    assert notes["p1"].text == "A refund request in public comments"


def test_grading_uses_the_snapshot_not_the_current_question():
    # The snapshot is the key: editing what it says is correct changes the grading.
    edited = copy.deepcopy(SINGLE)
    for choice in edited["choices"]:
        choice["correct"] = choice["id"] == "c1"
    assert grade(edited, "c1").correct and not grade(edited, "c2").correct


def test_grade_rejects_an_unknown_shown_type():
    with pytest.raises(ValueError):
        grade({"type": "essay"}, "x")


def test_grade_values_are_checked():
    with pytest.raises(ValueError):
        Grade(score=1.5, correct=False, picked=(), notes=())
    with pytest.raises(ValueError):
        Grade(score=0.5, correct=True, picked=(), notes=())


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=5)
    | st.sampled_from(["c1", "c2", "c3", "c4", "p1", "p2", "true", "false", "Point to support"]),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(max_size=3) | st.sampled_from(["p1", "p2", "p3"]), children, max_size=5
        )
        | st.frozensets(st.sampled_from(["c1", "c2", "c3", "x"]))
    ),
    max_leaves=20,
)


@given(
    shown=st.sampled_from([SINGLE, MULTIPLE, PARTIAL, TRUE_FALSE, MATCHING]), response=json_values
)
def test_grading_is_total_over_forged_responses(shown, response):
    result = grade(shown, response)
    assert 0.0 <= result.score <= 1.0
    assert result.correct is (result.score == 1.0)
    shown_ids = {c["id"] for c in shown.get("choices", [])} | {
        p["id"] for p in shown.get("pairs", [])
    }
    assert set(result.picked) <= shown_ids


# --------------------------------------------------------------------------- scores


def _grade_with(score):
    return Grade(score=score, correct=score == 1.0, picked=(), notes=())


@pytest.mark.parametrize(
    ("scores", "percent"),
    [
        ([], 0.0),
        ([1.0], 100.0),
        ([1.0, 0.0], 50.0),
        ([1.0, 1.0, 0.0], 66.7),
        ([2 / 3, 1.0, 1.0], 88.9),
    ],
    ids=["none", "one-right", "half", "two-thirds", "partial-credit"],
)
def test_score_percent(scores, percent):
    assert score_percent([_grade_with(s) for s in scores]) == percent


@pytest.mark.parametrize(
    ("percent", "mark", "expected"),
    [(80.0, 80, True), (79.9, 80, False), (100.0, 80, True), (0.0, 0, True)],
    ids=["at-mark", "just-below", "full", "zero-mark"],
)
def test_passed(percent, mark, expected):
    assert passed(percent, mark) is expected


def test_question_is_frozen():
    q = parse_question(raw_single())
    assert isinstance(q, Question)
    with pytest.raises(AttributeError):
        q.id = "other"  # type: ignore[misc]


def test_unanswered_names_the_blank_questions_by_their_number():
    from lms.domain.questions import unanswered

    shown = [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}, {"id": "e"}]
    responses = {
        "a": "c1",  # a choice
        "b": [None, None],  # a select-all with nothing ticked
        "c": {"p1": "x", "p2": None},  # a matching with an item left
        "d": ["c2"],
        # "e": not sent at all
    }
    assert unanswered(shown, responses) == [2, 3, 5]
