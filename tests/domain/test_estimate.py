"""Reading-time estimates: word counts, minutes per part, first pass and refresher."""

from __future__ import annotations

import pytest

from lms.domain.estimate import (
    SECONDS_PER_DECISION,
    SECONDS_PER_QUESTION,
    WORDS_PER_MINUTE,
    assessment_minutes,
    display_minutes,
    estimate_course,
    module_minutes,
    reading_minutes,
    scenario_minutes,
    scenario_runs,
    word_count,
)
from lms.domain.scenarios import parse_scenario
from tests.domain.test_scenarios import ch, end, scen, sit


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        (None, 0),
        ("One two three.", 3),
        ("Don't reuse a two-factor code.", 5),
        ("Report it in #social-escalations at once", 6),
        ("## Heading\n\n- **bold** item\n- _other_ item", 5),
        ("| Don't | Do instead |\n|---|---|\n| Argue | Report |", 5),
        ("See [the support page](https://example.com/support/page) now", 5),
        ("<b>tags</b> are not read", 4),
        ("Valid for 12 months, reply within 2 hours", 8),
        ("Dąbrowska's café", 2),
    ],
)
def test_word_count(text, words):
    assert word_count(text) == words


def test_the_stated_constants():
    # The docstring justifies these figures; changing one changes every estimate.
    assert (WORDS_PER_MINUTE, SECONDS_PER_QUESTION, SECONDS_PER_DECISION) == (230, 25, 10)


@pytest.mark.parametrize(
    ("lesson_words", "questions", "minutes"),
    [(0, 0, 0.0), (230, 0, 1.0), (460, 4, 2 + 100 / 60), (115, 6, 0.5 + 2.5)],
)
def test_module_minutes(lesson_words, questions, minutes):
    assert module_minutes(lesson_words, questions) == pytest.approx(minutes)


def test_assessment_and_reading_minutes():
    assert assessment_minutes(12) == pytest.approx(5.0)
    assert reading_minutes(345) == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("runs", "minutes"),
    [
        ([], 0.0),
        ([(230, 0)], 1.0),
        ([(230, 6)], 2.0),
        ([(230, 0), (690, 6)], (1.0 + 4.0) / 2),
    ],
)
def test_scenario_minutes_average_the_runs(runs, minutes):
    assert scenario_minutes(runs) == pytest.approx(minutes)


def test_scenario_runs_count_what_a_run_reads():
    scenario = parse_scenario(
        scen(
            sit(
                "start",
                ch("mid", text="Go on", feedback="Fine."),
                ch("poor", 0, text="Stop now", feedback="Too early."),
            ),
            sit("mid", ch("good", text="Finish it", feedback="Well done indeed.")),
            end("good", "good", 100, debrief="Take this away."),
            end("poor", "poor", 0, debrief="Next time."),
        )
    )
    # Situation texts are "Situation start" (2 words) and "Situation mid" (2 words);
    # end texts are "Ending good" / "Ending poor" (2 words each).
    start = 2 + 2 + 2  # the situation and both choices
    good_run = (
        start + 1 + (2 + 2) + 3 + 2 + 3
    )  # feedback, mid and its choice, its feedback, end, debrief
    poor_run = start + 2 + 2 + 2  # feedback, end, debrief
    assert sorted(scenario_runs(scenario)) == sorted([(good_run, 2), (poor_run, 1)])


@pytest.mark.parametrize(
    ("minutes", "shown"), [(0.0, 1), (0.2, 1), (1.0, 1), (1.01, 2), (39.5, 40), (40.0, 40)]
)
def test_display_minutes_round_up_and_never_show_zero(minutes, shown):
    assert display_minutes(minutes) == shown


def test_course_estimate_first_pass_and_refresher():
    estimate = estimate_course(
        modules={"a": (230, 0), "b": (460, 12)},  # 1 and 2 + 5 minutes
        assessment_draw=12,  # 5 minutes
        scenarios={"s1": [(230, 6)], "s2": [(460, 0)], "extra": [(2300, 0)]},  # 2, 2, 10
        required=["s1", "s2"],
        refresher_draw=6,  # 2.5 minutes
        refresher_scenario="s1",
    )
    assert estimate.modules == {"a": pytest.approx(1.0), "b": pytest.approx(7.0)}
    assert estimate.first_pass == pytest.approx(1 + 7 + 5 + 2 + 2)
    assert estimate.refresher() == pytest.approx(2.5 + 2)
    assert estimate.refresher(["a"]) == pytest.approx(1 + 2.5 + 2)
    assert estimate.longest_module == "b"


def test_a_refresher_without_a_scenario():
    estimate = estimate_course({"a": (0, 4)}, 10, {}, [], refresher_draw=6)
    assert estimate.refresher() == pytest.approx(2.5)
    assert estimate.first_pass == pytest.approx(100 / 60 + 250 / 60)
