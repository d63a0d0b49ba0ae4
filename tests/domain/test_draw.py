"""Drawing questions for an attempt: section coverage, no duplicates, reproducibility."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.draw import _draw, draw_questions, present_all
from lms.domain.questions import Choice, Question, present


def make_question(qid: str, section: str) -> Question:
    return Question(
        id=qid,
        type="single",
        section=section,
        prompt=f"Prompt {qid}",
        feedback="Because.",
        choices=(
            Choice("c1", "Right", True),
            Choice("c2", "Wrong"),
            Choice("c3", "Also wrong"),
        ),
    )


def make_pool(sizes: dict[str, int]) -> list[Question]:
    return [
        make_question(f"{section}-{i}", section)
        for section, size in sizes.items()
        for i in range(size)
    ]


TEN_BY_FOUR = make_pool({f"s{k}": 4 for k in range(10)})


def ids(questions):
    return [q.id for q in questions]


def section_counts(questions):
    return Counter(q.section for q in questions)


# --------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("seed", [0, 1, 2, 42, "attempt-17"], ids=str)
def test_ten_sections_of_four_draw_12_covers_every_section(seed):
    drawn = draw_questions(TEN_BY_FOUR, 12, seed)
    assert len(drawn) == 12
    assert len(set(ids(drawn))) == 12
    counts = section_counts(drawn)
    assert set(counts) == {f"s{k}" for k in range(10)}
    assert sorted(counts.values()) == [1] * 8 + [2] * 2


COVERAGE_CASES = [
    # (id, section sizes, n, expected sorted per-section counts)
    ("fewer-than-sections", {"a": 3, "b": 3, "c": 3, "d": 3}, 2, [1, 1]),
    ("exact-multiple", {"a": 5, "b": 5, "c": 5}, 9, [3, 3, 3]),
    ("one-section-of-one", {"a": 1, "b": 5, "c": 5}, 7, [1, 3, 3]),
    ("one-section-of-one-odd", {"a": 1, "b": 5, "c": 5}, 8, [1, 3, 4]),
    ("two-small-sections", {"a": 1, "b": 2, "c": 10}, 9, [1, 2, 6]),
    ("single-section", {"a": 6}, 4, [4]),
    ("n-equals-pool", {"a": 2, "b": 3}, 5, [2, 3]),
    ("n-exceeds-pool", {"a": 2, "b": 3}, 50, [2, 3]),
    ("n-zero", {"a": 2, "b": 3}, 0, []),
]


@pytest.mark.parametrize(
    ("sizes", "n", "expected"),
    [c[1:] for c in COVERAGE_CASES],
    ids=[c[0] for c in COVERAGE_CASES],
)
def test_section_coverage(sizes, n, expected):
    pool = make_pool(sizes)
    for seed in range(10):
        drawn = draw_questions(pool, n, seed)
        assert len(drawn) == min(n, len(pool))
        assert len(set(ids(drawn))) == len(drawn)
        assert sorted(section_counts(drawn).values()) == expected


def test_n_beyond_pool_returns_every_question():
    pool = make_pool({"a": 2, "b": 3})
    assert sorted(ids(draw_questions(pool, 99, 5))) == sorted(ids(pool))


def test_empty_pool_draws_nothing():
    assert draw_questions([], 5, 1) == []


def test_sections_are_interleaved_in_drawing_order():
    drawn = draw_questions(make_pool({"a": 3, "b": 3, "c": 3}), 9, 3)
    rounds = [{q.section for q in drawn[i : i + 3]} for i in (0, 3, 6)]
    assert rounds == [{"a", "b", "c"}] * 3


# --------------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("seed", [0, 123456789, "seed", "änother séed"], ids=repr)
def test_same_seed_same_draw(seed):
    assert draw_questions(TEN_BY_FOUR, 12, seed) == draw_questions(TEN_BY_FOUR, 12, seed)


def test_pool_order_does_not_matter():
    shuffled = list(TEN_BY_FOUR)
    random.Random(99).shuffle(shuffled)
    assert draw_questions(shuffled, 12, "x") == draw_questions(TEN_BY_FOUR, 12, "x")


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            "attempt-1",
            "s4-2 s1-3 s5-0 s7-2 s0-1 s8-2 s3-1 s6-0 s9-2 s2-3 s4-1 s1-0",
        ),
        (7, "s1-1 s5-2 s3-3 s7-3 s8-1 s0-3 s9-1 s2-1 s6-1 s4-2 s1-2 s5-3"),
    ],
    ids=["str-seed", "int-seed"],
)
def test_a_seed_gives_a_known_draw(seed, expected):
    # Pins the draw: if this changes (a new algorithm, a change in how the rng is
    # consumed), attempts already stored could no longer be replayed from their seed.
    assert ids(draw_questions(TEN_BY_FOUR, 12, seed)) == expected.split()


def test_different_seeds_usually_differ():
    draws = {tuple(ids(draw_questions(TEN_BY_FOUR, 12, seed))) for seed in range(20)}
    assert len(draws) >= 15


@pytest.mark.parametrize("seed", [None, 1.5, b"x", True], ids=repr)
def test_seed_must_be_int_or_str(seed):
    with pytest.raises(TypeError):
        draw_questions(TEN_BY_FOUR, 3, seed)


def test_negative_n_is_an_error():
    with pytest.raises(ValueError):
        draw_questions(TEN_BY_FOUR, -1, 0)


def test_duplicate_ids_in_pool_are_an_error():
    pool = [make_question("q1", "a"), make_question("q1", "b")]
    with pytest.raises(ValueError, match="q1"):
        draw_questions(pool, 2, 0)


# --------------------------------------------------------------------------- present_all


def test_present_all_is_reproducible_and_matches_the_draw():
    shown = present_all(TEN_BY_FOUR, "attempt-9", 12)
    assert shown == present_all(TEN_BY_FOUR, "attempt-9", 12)
    assert [s["id"] for s in shown] == ids(draw_questions(TEN_BY_FOUR, 12, "attempt-9"))


def test_present_all_uses_one_rng_for_draw_and_choices():
    # Equivalent to drawing and presenting in sequence from the same Random.
    rng = random.Random(4)
    expected = [present(q, rng) for q in _draw(TEN_BY_FOUR, 5, rng)]
    assert present_all(TEN_BY_FOUR, 4, 5) == expected


def test_present_all_defaults_to_every_question():
    pool = make_pool({"a": 2, "b": 2})
    assert sorted(s["id"] for s in present_all(pool, 1)) == sorted(ids(pool))


def test_present_all_shuffles_choices_per_seed():
    orders = {
        tuple(c["id"] for c in present_all([make_question("q", "a")], seed)[0]["choices"])
        for seed in range(20)
    }
    assert len(orders) > 1


# --------------------------------------------------------------------------- property

pools = st.dictionaries(
    keys=st.sampled_from([f"sec{k}" for k in range(8)]),
    values=st.integers(min_value=1, max_value=7),
    max_size=8,
)


@given(sizes=pools, n=st.integers(min_value=0, max_value=60), seed=st.integers() | st.text())
def test_draw_properties(sizes, n, seed):
    pool = make_pool(sizes)
    drawn = draw_questions(pool, n, seed)
    assert len(drawn) == min(n, len(pool))
    assert len({q.id for q in drawn}) == len(drawn)
    assert {q.id for q in drawn} <= {q.id for q in pool}
    counts = section_counts(drawn)
    # A section that still had questions left was skipped only if every other section
    # had at most one more: round-robin never lets a section fall behind by two.
    for section, size in sizes.items():
        if counts[section] < size:
            assert all(c <= counts[section] + 1 for c in counts.values()), (counts, sizes)
    assert drawn == draw_questions(list(reversed(pool)), n, seed)
