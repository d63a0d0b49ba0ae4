"""Tables of cases (and a few properties) for lms.domain.certification."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.certification import (
    ASSIGNED,
    CERTIFIED,
    EXPIRED,
    IN_PROGRESS,
    MAX_VALID_FOR_MONTHS,
    NOT_ASSIGNED,
    OVERDUE,
    RENEWAL_DUE,
    RENEWAL_MODES,
    REVOKED,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    AssignmentFacts,
    CertificationRules,
    PeriodDates,
    PeriodFacts,
    add_months,
    days_left,
    first_period,
    is_in_window,
    register_renewal_mode,
    renewed_period,
    rules_from,
    shortest_validity_days,
    status_on,
    validate_rules,
    window_opens_on,
)
from lms.domain.problems import Problem

D = date


# --------------------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(D(2027, 1, 31), 1, D(2027, 2, 28), id="31-jan-plus-1-common-year"),
        pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="31-jan-plus-1-leap-year"),
        pytest.param(D(2028, 2, 29), 12, D(2029, 2, 28), id="29-feb-plus-12"),
        pytest.param(D(2028, 2, 29), 48, D(2032, 2, 29), id="29-feb-plus-48-leap-again"),
        pytest.param(D(2096, 2, 29), 48, D(2100, 2, 28), id="29-feb-plus-48-to-2100-not-leap"),
        pytest.param(D(2027, 4, 30), 1, D(2027, 5, 30), id="30-apr-plus-1-no-clamp"),
        pytest.param(D(2027, 5, 31), 1, D(2027, 6, 30), id="31-may-plus-1-clamped"),
        pytest.param(D(2027, 12, 31), 1, D(2028, 1, 31), id="31-dec-plus-1-year-end"),
        pytest.param(D(2027, 3, 31), -1, D(2027, 2, 28), id="31-mar-minus-1"),
        pytest.param(D(2028, 3, 31), -1, D(2028, 2, 29), id="31-mar-minus-1-leap"),
        pytest.param(D(2027, 11, 15), 2, D(2028, 1, 15), id="15-nov-plus-2-crosses-year"),
        pytest.param(D(2027, 1, 15), -2, D(2026, 11, 15), id="15-jan-minus-2-crosses-year"),
        pytest.param(D(2027, 1, 31), -13, D(2025, 12, 31), id="minus-13"),
        pytest.param(D(2027, 6, 15), 0, D(2027, 6, 15), id="plus-0"),
        pytest.param(D(2027, 1, 31), 0, D(2027, 1, 31), id="plus-0-month-end"),
        pytest.param(D(2027, 6, 15), 120, D(2037, 6, 15), id="plus-10-years"),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months"),
    [
        pytest.param(D(9999, 12, 1), 1, id="past-year-9999"),
        pytest.param(D(1, 1, 1), -1, id="before-year-1"),
    ],
)
def test_add_months_out_of_range(start: date, months: int) -> None:
    with pytest.raises(OverflowError):
        add_months(start, months)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), st.integers(-600, 600))
def test_add_months_moves_whole_months_and_clamps(start: date, months: int) -> None:
    result = add_months(start, months)
    assert result.year * 12 + result.month == start.year * 12 + start.month + months
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last_day)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 28)), st.integers(-600, 600))
def test_add_months_round_trips_when_the_day_exists_everywhere(start: date, months: int) -> None:
    start = start.replace(day=min(start.day, 28))
    assert add_months(add_months(start, months), -months) == start


# --------------------------------------------------------------------------- shortest validity


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        pytest.param(1, 28, id="1-month-31-jan-to-28-feb"),
        pytest.param(2, 59, id="2-months"),
        pytest.param(6, 181, id="6-months"),
        pytest.param(12, 365, id="12-months"),
        pytest.param(13, 393, id="13-months"),
        pytest.param(24, 730, id="24-months"),
        pytest.param(48, 1460, id="48-months-across-2100-no-leap-day"),
    ],
)
def test_shortest_validity_days(months: int, expected: int) -> None:
    assert shortest_validity_days(months) == expected


@pytest.mark.parametrize("months", [1, 2, 3, 6, 11, 12, 13, 24, 48])
def test_shortest_validity_days_matches_brute_force(months: int) -> None:
    # Every start date in two stretches that include common, leap and century years.
    starts = [D(2000, 1, 1) + timedelta(days=i) for i in range(366 * 5)]
    starts += [D(2096, 1, 1) + timedelta(days=i) for i in range(366 * 9)]
    brute = min((add_months(s, months) - s).days for s in starts)
    assert shortest_validity_days(months) == brute


@pytest.mark.parametrize("months", [0, -1, MAX_VALID_FOR_MONTHS + 1])
def test_shortest_validity_days_rejects_out_of_range(months: int) -> None:
    with pytest.raises(ValueError):
        shortest_validity_days(months)


# --------------------------------------------------------------------------- statuses


def test_every_status_has_a_colour_and_a_label() -> None:
    assert set(STATUS_COLOURS) == set(STATUSES)
    assert set(STATUS_LABELS) == set(STATUSES)


# --------------------------------------------------------------------------- validate_rules


@pytest.mark.parametrize(
    ("raw", "paths"),
    [
        pytest.param({}, [], id="empty-means-defaults"),
        pytest.param(None, [], id="none-means-defaults"),
        pytest.param(
            {
                "valid_for": 12,
                "window": 60,
                "renewal_from": "expiry",
                "refresher": {"all_modules": False, "draw": 6, "scenario": "angry-customer"},
            },
            [],
            id="full-valid-block",
        ),
        pytest.param({"renewal_from": "completion"}, [], id="mode-completion"),
        pytest.param({"renewal_from": "fixed"}, [], id="mode-fixed"),
        pytest.param({"valid_for": 12, "window": 365}, [("window",)], id="window-365-of-12-months"),
        pytest.param({"valid_for": 12, "window": 364}, [], id="window-364-of-12-months"),
        pytest.param({"valid_for": 1, "window": 28}, [("window",)], id="window-28-of-1-month"),
        pytest.param({"valid_for": 1, "window": 27}, [], id="window-27-of-1-month"),
        pytest.param({"valid_for": 1}, [("valid_for",)], id="1-month-too-short-for-default-window"),
        pytest.param({"window": 365}, [("window",)], id="window-too-long-for-default-12"),
        pytest.param({"window": 0}, [], id="window-zero"),
        pytest.param({"valid_for": MAX_VALID_FOR_MONTHS}, [], id="valid-for-max"),
        pytest.param(
            {"valid_for": MAX_VALID_FOR_MONTHS + 1}, [("valid_for",)], id="valid-for-too-big"
        ),
        pytest.param({"valid_for": 0}, [("valid_for",)], id="valid-for-zero"),
        pytest.param({"valid_for": -1}, [("valid_for",)], id="valid-for-negative"),
        pytest.param({"valid_for": "12"}, [("valid_for",)], id="valid-for-string"),
        pytest.param({"valid_for": 12.0}, [("valid_for",)], id="valid-for-float"),
        pytest.param({"valid_for": True}, [("valid_for",)], id="valid-for-bool"),
        pytest.param({"valid_for": None}, [("valid_for",)], id="valid-for-null"),
        pytest.param({"window": -1}, [("window",)], id="window-negative"),
        pytest.param({"window": "60"}, [("window",)], id="window-string"),
        pytest.param({"window": 1.5}, [("window",)], id="window-float"),
        pytest.param({"window": False}, [("window",)], id="window-bool"),
        pytest.param({"renewal_from": "yearly"}, [("renewal_from",)], id="unknown-mode"),
        pytest.param({"renewal_from": "Expiry"}, [("renewal_from",)], id="mode-is-case-sensitive"),
        pytest.param({"renewal_from": 3}, [("renewal_from",)], id="mode-not-a-string"),
        pytest.param({"valid_for_months": 12}, [("valid_for_months",)], id="unknown-key"),
        pytest.param(
            {"valid_for": 0, "window": -1, "renewal_from": "x", "extra": 1},
            [("extra",), ("valid_for",), ("window",), ("renewal_from",)],
            id="one-problem-per-bad-key",
        ),
        pytest.param({"refresher": None}, [], id="refresher-empty"),
        pytest.param({"refresher": {}}, [], id="refresher-empty-mapping"),
        pytest.param({"refresher": "yes"}, [("refresher",)], id="refresher-not-a-mapping"),
        pytest.param(
            {"refresher": {"all_modules": "no"}},
            [("refresher", "all_modules")],
            id="refresher-all-modules-not-bool",
        ),
        pytest.param({"refresher": {"draw": 0}}, [("refresher", "draw")], id="refresher-draw-zero"),
        pytest.param(
            {"refresher": {"draw": -2}}, [("refresher", "draw")], id="refresher-draw-negative"
        ),
        pytest.param(
            {"refresher": {"draw": True}}, [("refresher", "draw")], id="refresher-draw-bool"
        ),
        pytest.param(
            {"refresher": {"draw": "6"}}, [("refresher", "draw")], id="refresher-draw-string"
        ),
        pytest.param(
            {"refresher": {"scenario": 5}}, [("refresher", "scenario")], id="refresher-scenario-int"
        ),
        pytest.param(
            {"refresher": {"scenario": ""}},
            [("refresher", "scenario")],
            id="refresher-scenario-empty",
        ),
        pytest.param({"refresher": {"scenario": None}}, [], id="refresher-scenario-null"),
        pytest.param(
            {"refresher": {"modules": []}}, [("refresher", "modules")], id="refresher-unknown-key"
        ),
        pytest.param([1, 2], [()], id="not-a-mapping"),
    ],
)
def test_validate_rules_paths(raw: object, paths: list[tuple]) -> None:
    problems = validate_rules(raw)  # type: ignore[arg-type]
    assert all(isinstance(p, Problem) for p in problems)
    assert sorted(p.path for p in problems) == sorted(paths)


def test_validate_rules_messages_explain_the_limit() -> None:
    [problem] = validate_rules({"valid_for": 12, "window": 365})
    assert "365" in problem.message and "shorter" in problem.message

    [problem] = validate_rules({"renewal_from": "yearly"})
    for mode in ("completion", "expiry", "fixed"):
        assert mode in problem.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param({}, CertificationRules(12, 60, "expiry"), id="defaults"),
        pytest.param(None, CertificationRules(12, 60, "expiry"), id="none-defaults"),
        pytest.param({"valid_for": 24}, CertificationRules(24, 60, "expiry"), id="valid-for-only"),
        pytest.param(
            {"valid_for": 6, "window": 30, "renewal_from": "fixed", "refresher": {"draw": 4}},
            CertificationRules(6, 30, "fixed"),
            id="all-set",
        ),
    ],
)
def test_rules_from(raw: dict | None, expected: CertificationRules) -> None:
    assert rules_from(raw) == expected


def test_rules_from_rejects_invalid_rules() -> None:
    with pytest.raises(ValueError, match="window"):
        rules_from({"valid_for": 1, "window": 28})


# --------------------------------------------------------------------------- registry


def test_builtin_renewal_modes_are_registered() -> None:
    assert {"completion", "expiry", "fixed"} <= set(RENEWAL_MODES)


@pytest.mark.parametrize("name", ["completion", "expiry", "fixed"])
def test_registering_a_duplicate_mode_raises(name: str) -> None:
    before = dict(RENEWAL_MODES)
    with pytest.raises(ValueError, match="already registered"):

        @register_renewal_mode(name)
        def _mode(previous: date, completed: date, rules: CertificationRules) -> date:
            return completed  # pragma: no cover

    assert before == RENEWAL_MODES


def test_registering_an_empty_name_raises() -> None:
    with pytest.raises(ValueError):
        register_renewal_mode("")


def test_a_registered_mode_is_usable_and_validates() -> None:
    name = "test-one-day"
    try:

        @register_renewal_mode(name)
        def _mode(previous: date, completed: date, rules: CertificationRules) -> date:
            return completed + timedelta(days=1)

        assert validate_rules({"renewal_from": name}) == []
        rules = CertificationRules(renewal_from=name, window_days=0)
        assert renewed_period(D(2027, 1, 1), D(2027, 5, 5), rules).valid_until == D(2027, 5, 6)
        with pytest.raises(ValueError):
            register_renewal_mode(name)
    finally:
        RENEWAL_MODES.pop(name, None)


def test_renewed_period_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown renewal mode"):
        renewed_period(D(2027, 1, 1), D(2027, 1, 1), CertificationRules(renewal_from="nope"))


# --------------------------------------------------------------------------- periods


def test_first_period_is_completion_plus_valid_for_in_every_mode() -> None:
    for mode in ("completion", "expiry", "fixed"):
        rules = CertificationRules(12, 60, mode)
        assert first_period(D(2027, 6, 15), rules) == PeriodDates(
            certified_on=D(2027, 6, 15),
            valid_until=D(2028, 6, 15),
            window_opens_on=D(2028, 4, 16),
        )


@pytest.mark.parametrize(
    ("valid_until", "window", "expected"),
    [
        pytest.param(D(2028, 6, 15), 60, D(2028, 4, 16), id="60-days-leap-year"),
        pytest.param(D(2028, 1, 10), 60, D(2027, 11, 11), id="60-days-across-year"),
        pytest.param(D(2028, 3, 1), 1, D(2028, 2, 29), id="1-day-to-29-feb"),
        pytest.param(D(2028, 3, 1), 0, D(2028, 3, 1), id="zero-window-opens-on-last-day"),
    ],
)
def test_window_opens_on(valid_until: date, window: int, expected: date) -> None:
    assert window_opens_on(valid_until, CertificationRules(window_days=window)) == expected


# Previous period: valid until 15 Jun 2027, 12 months, 60-day window opening 16 Apr 2027.
PREV = D(2027, 6, 15)
WINDOW_FIRST = D(2027, 4, 16)
WINDOW_MIDDLE = D(2027, 5, 15)

RENEWAL_CASES = [
    # completion: always completion + 12 months.
    pytest.param("completion", PREV, D(2027, 1, 10), D(2028, 1, 10), id="completion-before-window"),
    pytest.param(
        "completion", PREV, WINDOW_FIRST, D(2028, 4, 16), id="completion-window-first-day"
    ),
    pytest.param("completion", PREV, WINDOW_MIDDLE, D(2028, 5, 15), id="completion-window-middle"),
    pytest.param("completion", PREV, PREV, D(2028, 6, 15), id="completion-on-expiry-day"),
    pytest.param(
        "completion", PREV, D(2027, 6, 16), D(2028, 6, 16), id="completion-day-after-expiry"
    ),
    pytest.param("completion", PREV, D(2030, 2, 3), D(2031, 2, 3), id="completion-years-late"),
    pytest.param(
        "completion", D(2027, 3, 1), D(2028, 2, 29), D(2029, 2, 28), id="completion-on-29-feb"
    ),
    # expiry: on time -> old valid_until + 12 months; late -> completion + 12 months.
    pytest.param("expiry", PREV, D(2027, 1, 10), D(2028, 6, 15), id="expiry-before-window"),
    pytest.param("expiry", PREV, WINDOW_FIRST, D(2028, 6, 15), id="expiry-window-first-day"),
    pytest.param("expiry", PREV, WINDOW_MIDDLE, D(2028, 6, 15), id="expiry-window-middle"),
    pytest.param("expiry", PREV, PREV, D(2028, 6, 15), id="expiry-on-expiry-day"),
    pytest.param("expiry", PREV, D(2027, 6, 16), D(2028, 6, 16), id="expiry-day-after-expiry"),
    pytest.param("expiry", PREV, D(2030, 2, 3), D(2031, 2, 3), id="expiry-years-late"),
    pytest.param(
        "expiry", D(2028, 2, 29), D(2028, 1, 10), D(2029, 2, 28), id="expiry-29-feb-anchor"
    ),
    pytest.param("expiry", D(2028, 2, 29), D(2028, 2, 29), D(2029, 2, 28), id="expiry-on-29-feb"),
    pytest.param(
        "expiry", D(2028, 2, 29), D(2028, 3, 1), D(2029, 3, 1), id="expiry-day-after-29-feb"
    ),
    # fixed: old valid_until + k * 12 months, smallest k >= 1 at least 60 days after completion.
    pytest.param("fixed", PREV, D(2027, 1, 10), D(2028, 6, 15), id="fixed-before-window"),
    pytest.param("fixed", PREV, WINDOW_FIRST, D(2028, 6, 15), id="fixed-window-first-day"),
    pytest.param("fixed", PREV, WINDOW_MIDDLE, D(2028, 6, 15), id="fixed-window-middle"),
    pytest.param("fixed", PREV, PREV, D(2028, 6, 15), id="fixed-on-expiry-day"),
    pytest.param("fixed", PREV, D(2027, 6, 16), D(2028, 6, 15), id="fixed-day-after-expiry"),
    pytest.param(
        "fixed", PREV, D(2028, 4, 16), D(2028, 6, 15), id="fixed-exactly-window-days-ahead"
    ),
    pytest.param(
        "fixed", PREV, D(2028, 4, 17), D(2029, 6, 15), id="fixed-one-day-short-skips-a-year"
    ),
    pytest.param(
        "fixed", PREV, D(2029, 4, 1), D(2029, 6, 15), id="fixed-2-years-late-before-anniversary"
    ),
    pytest.param(
        "fixed", PREV, D(2029, 5, 1), D(2030, 6, 15), id="fixed-2-years-late-inside-window"
    ),
    pytest.param(
        "fixed", PREV, D(2029, 6, 16), D(2030, 6, 15), id="fixed-2-years-late-after-anniversary"
    ),
    pytest.param("fixed", PREV, D(2033, 9, 1), D(2034, 6, 15), id="fixed-6-years-late"),
    pytest.param("fixed", D(2028, 2, 29), D(2028, 2, 1), D(2029, 2, 28), id="fixed-29-feb-clamps"),
    pytest.param(
        "fixed",
        D(2028, 2, 29),
        D(2031, 12, 1),
        D(2032, 2, 29),
        id="fixed-29-feb-anchor-restored-in-leap-year",
    ),
]


@pytest.mark.parametrize(("mode", "previous", "completed", "expected"), RENEWAL_CASES)
def test_renewal_modes(mode: str, previous: date, completed: date, expected: date) -> None:
    rules = CertificationRules(valid_for_months=12, window_days=60, renewal_from=mode)
    period = renewed_period(previous, completed, rules)
    assert period.valid_until == expected
    assert period.certified_on == completed
    assert period.window_opens_on == expected - timedelta(days=60)
    assert RENEWAL_MODES[mode](previous, completed, rules) == expected


# 31 Jan anchor with 1-month periods and a 7-day window: month-end clamping.
@pytest.mark.parametrize(
    ("mode", "completed", "expected"),
    [
        pytest.param(
            "fixed", D(2027, 1, 31), D(2027, 2, 28), id="fixed-first-step-clamps-to-28-feb"
        ),
        pytest.param(
            "fixed", D(2027, 2, 22), D(2027, 3, 31), id="fixed-second-step-is-31-mar-not-28"
        ),
        pytest.param("fixed", D(2027, 3, 20), D(2027, 3, 31), id="fixed-late-lands-on-31-mar"),
        pytest.param("fixed", D(2027, 3, 25), D(2027, 4, 30), id="fixed-late-lands-on-30-apr"),
        pytest.param("expiry", D(2027, 1, 20), D(2027, 2, 28), id="expiry-on-time-clamps"),
        pytest.param("expiry", D(2027, 2, 1), D(2027, 3, 1), id="expiry-late-from-completion"),
        pytest.param("completion", D(2027, 1, 31), D(2027, 2, 28), id="completion-clamps"),
    ],
)
def test_renewal_from_31_jan_anchor(mode: str, completed: date, expected: date) -> None:
    rules = CertificationRules(valid_for_months=1, window_days=7, renewal_from=mode)
    assert renewed_period(D(2027, 1, 31), completed, rules).valid_until == expected


def test_fixed_with_zero_window_accepts_completion_on_the_anniversary() -> None:
    rules = CertificationRules(valid_for_months=12, window_days=0, renewal_from="fixed")
    assert renewed_period(PREV, D(2028, 6, 15), rules).valid_until == D(2028, 6, 15)
    assert renewed_period(PREV, D(2028, 6, 16), rules).valid_until == D(2029, 6, 15)


# --------------------------------------------------------------------------- renewal properties


@st.composite
def valid_rules(draw: st.DrawFn, mode: str) -> CertificationRules:
    """Rules that pass validate_rules: window shorter than the shortest period."""
    months = draw(st.integers(1, 36))
    window = draw(st.integers(0, shortest_validity_days(months) - 1))
    return CertificationRules(valid_for_months=months, window_days=window, renewal_from=mode)


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2150, 12, 31))


def months_after(anchor: date, later: date) -> int:
    """Whole calendar months from ``anchor``'s month to ``later``'s."""
    return (later.year - anchor.year) * 12 + later.month - anchor.month


def same_day_of_month(anchor: date, later: date) -> bool:
    """``later`` falls on ``anchor``'s day of the month, or its month's last day if shorter."""
    return later.day == min(anchor.day, calendar.monthrange(later.year, later.month)[1])


@given(valid_rules("expiry"), dates, dates, dates)
def test_expiry_mode_properties(
    rules: CertificationRules, previous: date, completed: date, other: date
) -> None:
    new = renewed_period(previous, completed, rules).valid_until
    # Never shortens: the new certificate outlasts both the old one and the day it was earned.
    assert new > previous
    assert new > completed
    # One period after the later of the two: on time the days left on the old certificate
    # are kept, late nothing is back-dated.
    anchor = max(previous, completed)
    assert months_after(anchor, new) == rules.valid_for_months
    assert same_day_of_month(anchor, new)
    if completed <= previous:  # on time: which day does not matter
        assert renewed_period(previous, min(other, previous), rules).valid_until == new
    else:  # late: the old expiry does not matter
        earlier = min(other, completed - timedelta(days=1))
        assert renewed_period(earlier, completed, rules).valid_until == new


@given(valid_rules("fixed"), dates, dates)
def test_fixed_mode_properties(rules: CertificationRules, previous: date, completed: date) -> None:
    new = renewed_period(previous, completed, rules).valid_until
    months = rules.valid_for_months
    earliest = completed + timedelta(days=rules.window_days)
    # The new expiry is a whole number (k >= 1) of periods after the anchor ...
    offset = months_after(previous, new)
    assert offset >= months and offset % months == 0
    k = offset // months
    # ... keeps the anchor's day of month (clamped to the month's end) ...
    assert same_day_of_month(previous, new)
    # ... lies at least window days after completion ...
    assert new >= earliest
    # ... and is the first such anniversary.
    assert k == 1 or add_months(previous, (k - 1) * months) < earliest


@given(valid_rules("completion"), dates, dates, dates)
def test_completion_mode_property(
    rules: CertificationRules, previous: date, completed: date, other: date
) -> None:
    """One period from the day it was earned, whatever the old certificate said."""
    new = renewed_period(previous, completed, rules).valid_until
    assert months_after(completed, new) == rules.valid_for_months
    assert same_day_of_month(completed, new)
    assert renewed_period(other, completed, rules).valid_until == new


@given(st.sampled_from(["completion", "expiry", "fixed"]).flatmap(valid_rules), dates, dates)
def test_a_fresh_window_never_opens_before_the_certificate_is_earned(
    rules: CertificationRules, previous: date, completed: date
) -> None:
    first = first_period(completed, rules)
    # Validated rules keep the window strictly after the day the first period starts ...
    assert first.certified_on < first.window_opens_on <= first.valid_until
    # ... and a renewal never hands out a period whose window is already open.
    renewed = renewed_period(previous, completed, rules)
    assert renewed.window_opens_on >= completed


@given(st.integers(1, 36), st.data())
def test_windows_shorter_than_the_shortest_period_validate(
    months: int, data: st.DataObject
) -> None:
    shortest = shortest_validity_days(months)
    ok = data.draw(st.integers(0, shortest - 1))
    too_long = data.draw(st.integers(shortest, shortest + 400))
    assert validate_rules({"valid_for": months, "window": ok}) == []
    assert [p.path for p in validate_rules({"valid_for": months, "window": too_long})] == [
        ("window",)
    ]


# --------------------------------------------------------------------------- status_on


def period(
    certified_on: date,
    valid_until: date,
    window_days: int = 60,
    revoked_on: date | None = None,
) -> PeriodFacts:
    """A stored period with its window computed the usual way."""
    return PeriodFacts(
        certified_on=certified_on,
        valid_until=valid_until,
        window_opens_on=valid_until - timedelta(days=window_days),
        revoked_on=revoked_on,
    )


# Certified 10 Jan 2027, valid through 10 Jan 2028, window opens 11 Nov 2027.
P1 = period(D(2027, 1, 10), D(2028, 1, 10))
# Renewed 1 Dec 2027 (expiry mode), valid through 10 Jan 2029.
P2 = period(D(2027, 12, 1), D(2029, 1, 10))
DUE = D(2027, 3, 1)
NOT_STARTED = AssignmentFacts(assigned_on=D(2027, 1, 1), due_on=DUE)
STARTED = AssignmentFacts(assigned_on=D(2027, 1, 1), due_on=DUE, started=True)
NO_DUE_DATE = AssignmentFacts(assigned_on=D(2027, 1, 1), due_on=None, started=False)


@pytest.mark.parametrize(
    ("today", "periods", "assignment", "expected"),
    [
        # Never certified.
        pytest.param(D(2027, 2, 1), [], None, NOT_ASSIGNED, id="not-assigned"),
        pytest.param(D(2027, 2, 1), [], NOT_STARTED, ASSIGNED, id="assigned"),
        pytest.param(
            D(2035, 1, 1), [], NO_DUE_DATE, ASSIGNED, id="assigned-without-due-date-never-overdue"
        ),
        pytest.param(D(2027, 2, 1), [], STARTED, IN_PROGRESS, id="in-progress"),
        pytest.param(DUE, [], NOT_STARTED, ASSIGNED, id="due-date-itself-not-overdue"),
        pytest.param(DUE, [], STARTED, IN_PROGRESS, id="due-date-itself-in-progress"),
        pytest.param(D(2027, 3, 2), [], NOT_STARTED, OVERDUE, id="day-after-due-overdue"),
        pytest.param(
            D(2027, 3, 2), [], STARTED, OVERDUE, id="day-after-due-overdue-even-if-started"
        ),
        # One period.
        pytest.param(D(2027, 1, 10), [P1], None, CERTIFIED, id="certified-on-the-day"),
        pytest.param(
            D(2027, 1, 10), [P1], NOT_STARTED, CERTIFIED, id="certified-ignores-assignment"
        ),
        pytest.param(D(2027, 11, 10), [P1], None, CERTIFIED, id="day-before-window-certified"),
        pytest.param(D(2027, 11, 11), [P1], None, RENEWAL_DUE, id="window-opening-day-renewal-due"),
        pytest.param(D(2028, 1, 10), [P1], None, RENEWAL_DUE, id="valid-until-still-valid"),
        pytest.param(D(2028, 1, 11), [P1], None, EXPIRED, id="day-after-valid-until-expired"),
        pytest.param(D(2031, 1, 1), [P1], None, EXPIRED, id="years-later-expired"),
        pytest.param(D(2028, 2, 1), [P1], STARTED, EXPIRED, id="expired-until-a-new-period-exists"),
        # Revocation.
        pytest.param(
            D(2027, 5, 1),
            [period(D(2027, 1, 10), D(2028, 1, 10), revoked_on=D(2027, 5, 1))],
            None,
            REVOKED,
            id="revoked-on-the-day",
        ),
        pytest.param(
            D(2027, 4, 30),
            [period(D(2027, 1, 10), D(2028, 1, 10), revoked_on=D(2027, 5, 1))],
            None,
            CERTIFIED,
            id="revoked-tomorrow-still-certified",
        ),
        pytest.param(
            D(2029, 1, 1),
            [period(D(2027, 1, 10), D(2028, 1, 10), revoked_on=D(2027, 5, 1))],
            None,
            REVOKED,
            id="revoked-stays-revoked-after-expiry",
        ),
        # Several periods.
        pytest.param(D(2027, 12, 15), [P1, P2], None, CERTIFIED, id="newest-period-wins"),
        pytest.param(D(2027, 12, 15), [P2, P1], None, CERTIFIED, id="newest-period-wins-any-order"),
        pytest.param(D(2028, 6, 1), [P1, P2], None, CERTIFIED, id="renewed-after-old-expiry"),
        pytest.param(
            D(2027, 11, 30), [P1, P2], None, RENEWAL_DUE, id="future-dated-period-ignored"
        ),
        pytest.param(
            D(2027, 2, 1),
            [period(D(2027, 6, 1), D(2028, 6, 1))],
            NOT_STARTED,
            ASSIGNED,
            id="only-future-dated-period-ignored",
        ),
        pytest.param(
            D(2027, 12, 15),
            [P1, period(D(2027, 12, 1), D(2029, 1, 10), revoked_on=D(2027, 12, 10))],
            None,
            REVOKED,
            id="newest-revoked-wins-over-older-valid",
        ),
        pytest.param(
            D(2027, 12, 15),
            [period(D(2027, 1, 10), D(2027, 12, 14)), period(D(2027, 1, 10), D(2028, 1, 10))],
            None,
            RENEWAL_DUE,
            id="tie-on-certified-on-latest-valid-until-wins",
        ),
    ],
)
def test_status_on(
    today: date,
    periods: list[PeriodFacts],
    assignment: AssignmentFacts | None,
    expected: str,
) -> None:
    assert status_on(today, periods, assignment) == expected


@given(st.dates(min_value=D(2027, 1, 1), max_value=D(2031, 12, 31)))
def test_one_period_through_the_calendar(today: date) -> None:
    """Assigned 1 Jan 2027 (due 1 Mar), certified 10 Jan 2027 for 12 months with a
    60-day window: every day from the assignment on has exactly one status."""
    if today < D(2027, 1, 10):
        expected = ASSIGNED  # the period starts later; the due date is still ahead
    elif today <= D(2027, 11, 10):
        expected = CERTIFIED
    elif today <= D(2028, 1, 10):
        expected = RENEWAL_DUE  # the window opened 11 Nov; still valid through 10 Jan
    else:
        expected = EXPIRED
    assert status_on(today, [P1], NOT_STARTED) == expected


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("today", "in_window", "left"),
    [
        pytest.param(D(2027, 1, 10), False, 365, id="certified-day"),
        pytest.param(D(2027, 11, 10), False, 61, id="day-before-window"),
        pytest.param(D(2027, 11, 11), True, 60, id="window-first-day"),
        pytest.param(D(2028, 1, 10), True, 0, id="last-valid-day"),
        pytest.param(D(2028, 1, 11), False, -1, id="day-after-expiry"),
    ],
)
def test_is_in_window_and_days_left(today: date, in_window: bool, left: int) -> None:
    assert is_in_window(today, P1) is in_window
    assert days_left(today, P1) == left
    dates_only = PeriodDates(P1.certified_on, P1.valid_until, P1.window_opens_on)
    assert is_in_window(today, dates_only) is in_window
    assert days_left(today, dates_only) == left
