"""The refresher draw: every section covered across the draw and the changed modules,
the rest of the draw weighted to the sections that changed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.draw import draw_refresher, present_refresher
from tests.domain.test_draw import ids, make_pool, section_counts

FOUR_BY_FOUR = make_pool({"a": 4, "b": 4, "c": 4, "d": 4})
UNEVEN = make_pool({"a": 1, "b": 2, "c": 4, "d": 4})

# (id, pool, n, changed sections, covered sections, exact counts per section or None)
CASES = [
    ("nothing-changed", FOUR_BY_FOUR, 4, "", "", {"a": 1, "b": 1, "c": 1, "d": 1}),
    ("one-changed-takes-the-rest", FOUR_BY_FOUR, 6, "b", "b", {"a": 1, "b": 3, "c": 1, "d": 1}),
    ("two-changed-share-the-rest", FOUR_BY_FOUR, 6, "bc", "bc", {"a": 1, "b": 2, "c": 2, "d": 1}),
    ("too-small-grows-to-cover", FOUR_BY_FOUR, 3, "", "", {"a": 1, "b": 1, "c": 1, "d": 1}),
    ("covered-sections-need-none", FOUR_BY_FOUR, 2, "a", "a", {"b": 1, "c": 1, "d": 1}),
    ("changed-but-not-covered", FOUR_BY_FOUR, 6, "a", "", {"a": 3, "b": 1, "c": 1, "d": 1}),
    ("changed-runs-out-then-even", FOUR_BY_FOUR, 10, "a", "a", None),
    ("small-changed-section", UNEVEN, 5, "a", "", None),
    ("all-covered-draws-changed", FOUR_BY_FOUR, 3, "abcd", "abcd", None),
    ("unknown-changed-section", FOUR_BY_FOUR, 4, "z", "", {"a": 1, "b": 1, "c": 1, "d": 1}),
    ("bigger-than-the-pool", UNEVEN, 50, "c", "c", {"a": 1, "b": 2, "c": 4, "d": 4}),
]


@pytest.mark.parametrize(
    ("pool", "n", "changed", "covered", "counts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("seed", [0, 1, "run-7"])
def test_refresher_draw_table(pool, n, changed, covered, counts, seed):
    drawn = draw_refresher(pool, n, seed, set(changed), set(covered))
    got = section_counts(drawn)
    if counts is not None:
        assert dict(got) == counts
    assert len(set(ids(drawn))) == len(drawn)
    assert set(got) | set(covered) >= {q.section for q in pool}


def test_when_the_changed_section_runs_out_the_rest_spreads_evenly():
    # a: 4 (all of it), then one extra each for two of b, c, d.
    for seed in range(10):
        got = section_counts(draw_refresher(FOUR_BY_FOUR, 10, seed, {"a"}, {"a"}))
        assert got["a"] == 4 and sorted(got[s] for s in "bcd") == [2, 2, 2]


def test_a_small_changed_section_gives_what_it_has():
    for seed in range(10):
        got = section_counts(draw_refresher(UNEVEN, 5, seed, {"a"}, set()))
        assert got["a"] == 1 and sum(got.values()) == 5 and min(got.values()) >= 1


def test_with_every_section_covered_the_draw_is_all_changed():
    for seed in range(5):
        got = section_counts(draw_refresher(FOUR_BY_FOUR, 3, seed, set("abcd"), set("abcd")))
        assert sum(got.values()) == 3 and max(got.values()) == 1


def test_the_refresher_draw_is_reproducible_and_order_independent():
    first = draw_refresher(FOUR_BY_FOUR, 6, "seed", {"b"}, {"b"})
    again = draw_refresher(list(reversed(FOUR_BY_FOUR)), 6, "seed", ["b"], ("b",))
    assert ids(first) == ids(again)
    orders = {tuple(ids(draw_refresher(FOUR_BY_FOUR, 6, s, {"b"}, {"b"}))) for s in range(20)}
    assert len(orders) > 1


def test_changed_questions_are_not_all_at_the_end():
    positions = set()
    for seed in range(20):
        drawn = draw_refresher(FOUR_BY_FOUR, 6, seed, {"b"}, {"b"})
        positions.update(i for i, q in enumerate(drawn) if q.section == "b")
    assert min(positions) == 0


def test_present_refresher_presents_the_same_draw():
    shown = present_refresher(FOUR_BY_FOUR, "s", 6, {"b"}, {"b"})
    assert [q["id"] for q in shown] == ids(draw_refresher(FOUR_BY_FOUR, 6, "s", {"b"}, {"b"}))
    assert shown == present_refresher(FOUR_BY_FOUR, "s", 6, {"b"}, {"b"})


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_bad_sizes_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        draw_refresher(FOUR_BY_FOUR, bad, 0)


@given(
    sizes=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5), min_size=1),
    n=st.integers(0, 30),
    changed=st.sets(st.sampled_from("abcdefghz")),
    covered=st.sets(st.sampled_from("abcdefgh")),
    seed=st.integers(0, 10**6),
)
def test_every_section_is_covered_and_changed_ones_come_first(sizes, n, changed, covered, seed):
    pool = make_pool(sizes)
    drawn = draw_refresher(pool, n, seed, changed, covered)
    got = section_counts(drawn)
    must = {s for s in sizes if s not in covered}
    assert must <= set(got)
    assert len(drawn) == min(len(pool), max(n, len(must)))
    # A section that is neither needed nor changed only gets questions once every
    # changed section has given all it has.
    extra_elsewhere = any(got[s] > (1 if s in must else 0) for s in sizes if s not in changed)
    if extra_elsewhere:
        assert all(got[s] == sizes[s] for s in changed if s in sizes)
