"""The shared course-data checks, the generic registry and the course settings value."""

from __future__ import annotations

import pytest

from lms.domain.checks import PLAIN, QUOTED, Checks
from lms.domain.course_settings import DEFAULTS, CourseSettings
from lms.domain.registry import Registry


def messages(checks: Checks) -> list[tuple[tuple, str]]:
    return [(p.path, p.message) for p in checks.problems]


@pytest.mark.parametrize(
    "raw,expected,problem",
    [
        ({"n": 5}, 5, None),
        ({}, 7, None),
        ({"n": None}, 7, None),
        ({"n": True}, 7, "n must be a whole number 0..10, got True"),
        ({"n": "5"}, 7, "n must be a whole number 0..10, got '5'"),
        ({"n": 11}, 7, "n must be a whole number 0..10, got 11"),
    ],
)
def test_integer_reads_a_whole_number_in_range_or_reports_it(raw, expected, problem):
    checks = Checks(PLAIN)
    assert checks.integer(raw, "n", ("at",), low=0, high=10, default=7) == expected
    assert messages(checks) == ([] if problem is None else [(("at", "n"), problem)])


def test_the_quoted_wording_names_keys_in_quotes_and_keeps_nulls_as_values():
    checks = Checks(QUOTED, null_is_absent=False)
    assert checks.integer({"score": None}, "score", low=0, high=10) is None
    assert checks.text({}, "text") is None
    assert messages(checks) == [
        (("score",), "'score' must be a whole number from 0 to 10, not None"),
        (("text",), "missing 'text'"),
    ]


def test_text_bool_one_of_section_and_unknown_keys():
    checks = Checks(PLAIN)
    raw = {"t": 2019, "b": "yes", "o": "x", "s": "nowhere", "typo": 1}
    checks.text(raw, "t")
    checks.boolean(raw, "b", default=False)
    checks.one_of(raw, "o", ("a", "b"))
    checks.section(raw, "s", {"scope"})
    checks.unknown_keys(raw, ["t", "b", "o", "s"])
    assert messages(checks) == [
        (("t",), "t must be text (quote it in YAML), got 2019"),
        (("b",), "b must be true or false, got 'yes'"),
        (("o",), "o must be one of: a, b (got 'x')"),
        (("s",), "unknown policy section 'nowhere'"),
        (("typo",), "unknown key 'typo' (expected one of: t, b, o, s)"),
    ]


def test_a_registry_refuses_empty_and_taken_ids_and_reads_like_a_mapping():
    registry: Registry[int] = Registry("thing")
    registry.register("one", 1)
    assert registry.decorator("two")(2) == 2
    assert list(registry) == ["one", "two"] and registry["two"] == 2 and "one" in registry
    with pytest.raises(ValueError, match="thing 'one' is already registered"):
        registry.register("one", 3)
    with pytest.raises(ValueError, match="non-empty"):
        registry.decorator("")
    with pytest.raises(ValueError, match="unknown thing 'three'"):
        registry.require("three")
    assert registry == {"one": 1, "two": 2}


def test_course_settings_fill_in_defaults_and_round_trip():
    stored = {
        "assessment": {
            "draw": 10,
            "pass_mark": 75,
            "max_attempts": None,
            "cooldown_minutes": 0,
            "reveal_answers": True,
        },
        "certification": {"valid_for": 6, "refresher": {"scenario": "angry"}},
        "review_on_change": False,
        "review_due_days": 14,
        "acknowledge_policy": True,
    }
    settings = CourseSettings.from_dict(stored)
    assert settings.to_dict() == stored
    assert settings.refresher_draw == 5 and settings.refresher.scenario == "angry"
    assert settings.rules.valid_for_months == 6
    assert CourseSettings.from_dict({}) == DEFAULTS
    assert DEFAULTS.assessment.draw == 12 and DEFAULTS.review_due_days == 30
