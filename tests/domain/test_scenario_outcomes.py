"""Score ranges per ending, label coherence and fixed playing strategies."""

from __future__ import annotations

import pytest

from lms.domain.scenarios import Step, parse_scenario
from lms.domain.scenarios.outcomes import (
    STRATEGIES,
    describe_path,
    outcome_problems,
    play_strategy,
    score_ranges,
    strategy_score,
)
from tests.domain.test_scenarios import ch, end, scen, sit


def sum_branches():
    # Best sum 10 (start[1] -> risky[2]); two roads to poor, one to acceptable.
    return parse_scenario(
        scen(
            sit("start", ch("risky", 6, text="Take the long careful road here"), ch("slip", 0)),
            sit("risky", ch("late-poor", 0), ch("good", 4, text="Short")),
            sit("slip", ch("ok", 3), ch("early-poor", 0, text="A much longer choice text")),
            end("good", score=None),
            end("late-poor", "poor", score=None),
            end("ok", "acceptable", score=None),
            end("early-poor", "poor", score=None),
            scoring="sum",
        )
    )


def test_score_ranges_in_sum_mode_give_the_extremes_with_a_run_for_each():
    ranges = score_ranges(sum_branches())
    assert {k: (r.outcome, r.low, r.high) for k, r in ranges.items()} == {
        "good": ("good", 100, 100),
        "late-poor": ("poor", 60, 60),
        "ok": ("acceptable", 30, 30),
        "early-poor": ("poor", 0, 0),
    }
    assert ranges["ok"].low_path == (Step("start", 1), Step("slip", 0))


def test_score_ranges_spread_when_two_roads_meet():
    scenario = parse_scenario(
        scen(
            sit("start", ch("mid", 10), ch("mid", 2)),
            sit("mid", ch("good", 10), ch("poor", 0)),
            end("good", score=None),
            end("poor", "poor", score=None),
            scoring="sum",
            pass_mark=50,
        )
    )
    ranges = score_ranges(scenario)
    assert (ranges["good"].low, ranges["good"].high) == (60, 100)
    assert (ranges["poor"].low, ranges["poor"].high) == (10, 50)
    assert describe_path(ranges["poor"].high_path) == "start[1] -> mid[2]"
    # 50 at the poor end passes a mark of 50; it stays below the good end's lowest (60).
    assert [p.message.split(",")[0] for p in outcome_problems(scenario, 50)] == [
        "end 'poor' is labelled poor"
    ]
    assert outcome_problems(scenario, 51) == []


def test_score_ranges_with_cycles_use_the_end_scores():
    scenario = parse_scenario(
        scen(
            sit("start", ch("mid"), ch("poor")),
            sit("mid", ch("start"), ch("good")),
            end("good", "good", 90),
            end("poor", "poor", 10),
            allow_cycles=True,
        )
    )
    ranges = score_ranges(scenario)
    assert {k: (r.low, r.high) for k, r in ranges.items()} == {"good": (90, 90), "poor": (10, 10)}
    assert ranges["good"].low_path == (Step("start", 0), Step("mid", 1))


def test_outcome_problems_depend_on_the_pass_mark():
    assert outcome_problems(sum_branches(), 0) != []  # everything passes a mark of 0
    scenario = sum_branches()
    # At 70 the poor ends fail, but late-poor (60) still outscores ok (30).
    messages = [p.message for p in outcome_problems(scenario, 70)]
    assert len(messages) == 1 and "must never outscore" in messages[0]


def test_describe_an_empty_path():
    assert describe_path(()) == "(no choices)"


@pytest.mark.parametrize(
    ("name", "score", "finished", "path"),
    [
        ("always the first choice", 60, True, "start[1] -> risky[1]"),
        ("always the last choice", 0, True, "start[2] -> slip[2]"),
        ("always the longest choice", 60, True, "start[1] -> risky[1]"),
    ],
)
def test_strategies_play_a_fixed_choice(name, score, finished, path):
    got_score, got_finished, run = strategy_score(sum_branches(), STRATEGIES[name])
    assert (got_score, got_finished, describe_path(run)) == (score, finished, path)


def test_longest_takes_the_first_of_equally_long_choices():
    scenario = parse_scenario(
        scen(
            sit("start", ch("a", text="same"), ch("b", text="same")), end("a"), end("b", "poor", 0)
        )
    )
    assert play_strategy(scenario, STRATEGIES["always the longest choice"])[1].id == "a"


def test_a_strategy_that_loops_never_finishes_and_scores_zero():
    scenario = parse_scenario(
        scen(
            sit("start", ch("mid"), ch("good")),
            sit("mid", ch("start"), ch("good")),
            end("good", "good", 100),
            allow_cycles=True,
        )
    )
    path, node = play_strategy(scenario, STRATEGIES["always the first choice"])
    assert (path, node.id) == ((Step("start", 0), Step("mid", 0)), "mid")
    assert strategy_score(scenario, STRATEGIES["always the first choice"])[:2] == (0, False)
    assert strategy_score(scenario, STRATEGIES["always the last choice"])[:2] == (100, True)
