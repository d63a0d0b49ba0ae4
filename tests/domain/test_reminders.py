"""Tables of cases (and a catch-up property) for lms.domain.reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.certification import AssignmentFacts, PeriodFacts
from lms.domain.reminders import (
    DUE_7,
    EXPIRED,
    EXPIRY_7,
    EXPIRY_30,
    OVERDUE,
    REMINDER_KINDS,
    WINDOW_OPEN,
    DueReminder,
    reminders_due,
)

D = date
CERTIFIED_ON = D(2027, 1, 10)
VALID_UNTIL = D(2028, 1, 10)


def period(
    certified_on: date = CERTIFIED_ON,
    valid_until: date = VALID_UNTIL,
    window_days: int = 60,
    revoked_on: date | None = None,
) -> PeriodFacts:
    """A stored period; by default valid through 10 Jan 2028, window opening 11 Nov 2027."""
    return PeriodFacts(
        certified_on=certified_on,
        valid_until=valid_until,
        window_opens_on=valid_until - timedelta(days=window_days),
        revoked_on=revoked_on,
    )


P = period()
UNTIL = P.valid_until
DUE = D(2027, 3, 1)
OPEN = AssignmentFacts(assigned_on=D(2027, 1, 1), due_on=DUE, started=True)


def kinds(
    today: date,
    *,
    period: PeriodFacts | None = None,
    assignment: AssignmentFacts | None = None,
    completed: bool = False,
) -> list[str]:
    """The kinds due on ``today``, with fixed ids 7 (period) and 3 (assignment)."""
    due = reminders_due(
        today,
        period=period,
        period_id=7 if period is not None else None,
        assignment=assignment,
        assignment_id=3 if assignment is not None else None,
        completed=completed,
    )
    return [r.kind for r in due]


def _first_due(days, **facts) -> dict[str, date]:
    first: dict[str, date] = {}
    for day in days:
        for kind in kinds(day, **facts):
            first.setdefault(kind, day)
    return first


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def test_a_late_learner_and_a_lapsing_certificate_get_every_kind_once_due() -> None:
    """Day by day: an assignment due 1 Mar 2027 that runs late, and a certificate valid
    through 10 Jan 2028 (60-day window) that is not renewed. Each kind of reminder first
    falls due on its day, and these six are every kind there is."""
    late = _first_due(_days(D(2027, 1, 1), D(2027, 6, 1)), assignment=OPEN)
    lapsing = _first_due(_days(CERTIFIED_ON, D(2028, 6, 1)), period=P)
    assert late == {DUE_7: D(2027, 2, 22), OVERDUE: D(2027, 3, 2)}
    assert lapsing == {
        WINDOW_OPEN: D(2027, 11, 11),
        EXPIRY_30: D(2027, 12, 11),
        EXPIRY_7: D(2028, 1, 3),
        EXPIRED: D(2028, 1, 11),
    }
    assert {*late, *lapsing} == set(REMINDER_KINDS)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(D(2027, 1, 10), [], id="certified-day"),
        pytest.param(D(2027, 11, 10), [], id="day-before-window"),
        pytest.param(D(2027, 11, 11), [WINDOW_OPEN], id="window-open-day"),
        pytest.param(UNTIL - timedelta(days=31), [WINDOW_OPEN], id="31-days-before"),
        pytest.param(UNTIL - timedelta(days=30), [WINDOW_OPEN, EXPIRY_30], id="30-days-before"),
        pytest.param(UNTIL - timedelta(days=8), [WINDOW_OPEN, EXPIRY_30], id="8-days-before"),
        pytest.param(
            UNTIL - timedelta(days=7), [WINDOW_OPEN, EXPIRY_30, EXPIRY_7], id="7-days-before"
        ),
        pytest.param(UNTIL, [WINDOW_OPEN, EXPIRY_30, EXPIRY_7], id="expiry-day"),
        pytest.param(UNTIL + timedelta(days=1), [EXPIRED], id="day-after-expiry"),
        pytest.param(D(2031, 6, 1), [EXPIRED], id="years-after-expiry-catch-up"),
    ],
)
def test_period_reminders(today: date, expected: list[str]) -> None:
    assert kinds(today, period=P) == expected


@pytest.mark.parametrize(
    ("window_days", "today", "expected"),
    [
        pytest.param(
            10, UNTIL - timedelta(days=30), [EXPIRY_30], id="short-window-expiry-30-first"
        ),
        pytest.param(
            10, UNTIL - timedelta(days=10), [WINDOW_OPEN, EXPIRY_30], id="short-window-opens"
        ),
        pytest.param(
            0, UNTIL - timedelta(days=1), [EXPIRY_30, EXPIRY_7], id="zero-window-day-before"
        ),
        pytest.param(0, UNTIL, [WINDOW_OPEN, EXPIRY_30, EXPIRY_7], id="zero-window-opens-last-day"),
    ],
)
def test_period_reminders_are_independent(
    window_days: int, today: date, expected: list[str]
) -> None:
    assert kinds(today, period=period(window_days=window_days)) == expected


def test_reminders_carry_the_period_key() -> None:
    due = reminders_due(
        UNTIL + timedelta(days=1),
        period=P,
        period_id=42,
        assignment=None,
        assignment_id=None,
        completed=False,
    )
    assert due == [DueReminder(EXPIRED, "period:42")]


def test_reminders_carry_the_assignment_key() -> None:
    due = reminders_due(
        DUE + timedelta(days=1),
        period=None,
        period_id=None,
        assignment=OPEN,
        assignment_id=9,
        completed=False,
    )
    assert due == [DueReminder(OVERDUE, "assignment:9")]


NO_DUE_DATE = AssignmentFacts(assigned_on=D(2027, 1, 1), due_on=None)


@pytest.mark.parametrize(
    ("today", "assignment", "completed", "expected"),
    [
        pytest.param(D(2027, 1, 2), OPEN, False, [], id="just-assigned"),
        pytest.param(DUE - timedelta(days=8), OPEN, False, [], id="8-days-before-due"),
        pytest.param(DUE - timedelta(days=7), OPEN, False, [DUE_7], id="7-days-before-due"),
        pytest.param(DUE, OPEN, False, [DUE_7], id="due-day"),
        pytest.param(DUE + timedelta(days=1), OPEN, False, [OVERDUE], id="day-after-due"),
        pytest.param(D(2029, 1, 1), OPEN, False, [OVERDUE], id="long-overdue"),
        pytest.param(DUE, OPEN, True, [], id="completed-before-due"),
        pytest.param(DUE + timedelta(days=5), OPEN, True, [], id="completed-no-overdue"),
        pytest.param(D(2035, 1, 1), NO_DUE_DATE, False, [], id="no-due-date-no-nags"),
        pytest.param(D(2035, 1, 1), None, False, [], id="nothing-at-all"),
    ],
)
def test_assignment_reminders_without_a_period(
    today: date, assignment: AssignmentFacts | None, completed: bool, expected: list[str]
) -> None:
    assert kinds(today, assignment=assignment, completed=completed) == expected


@pytest.mark.parametrize(
    ("today", "the_period", "expected"),
    [
        # A valid period silences a stale assignment.
        pytest.param(DUE + timedelta(days=1), P, [], id="certified-no-overdue-nag"),
        pytest.param(DUE, P, [], id="certified-no-due-7-nag"),
        pytest.param(D(2027, 11, 11), P, [WINDOW_OPEN], id="renewal-due-only-period-reminder"),
        pytest.param(UNTIL, P, [WINDOW_OPEN, EXPIRY_30, EXPIRY_7], id="last-valid-day-no-nag"),
        # No valid period: the assignment reminders come back.
        pytest.param(UNTIL + timedelta(days=1), P, [EXPIRED, OVERDUE], id="expired-and-overdue"),
        pytest.param(
            DUE + timedelta(days=1),
            period(revoked_on=D(2027, 2, 1)),
            [OVERDUE],
            id="revoked-and-overdue",
        ),
        pytest.param(
            DUE + timedelta(days=1),
            period(certified_on=D(2027, 6, 1)),
            [OVERDUE],
            id="future-dated-period-ignored",
        ),
    ],
)
def test_assignment_reminders_with_a_period(
    today: date, the_period: PeriodFacts, expected: list[str]
) -> None:
    assert kinds(today, period=the_period, assignment=OPEN) == expected


@pytest.mark.parametrize(
    ("today", "revoked_on", "expected"),
    [
        pytest.param(D(2027, 12, 1), D(2027, 12, 1), [], id="revoked-on-the-day-in-window"),
        pytest.param(UNTIL, D(2027, 3, 1), [], id="revoked-expiry-day"),
        pytest.param(UNTIL + timedelta(days=1), D(2027, 3, 1), [], id="revoked-no-expired-mail"),
        pytest.param(
            D(2027, 12, 15),
            D(2027, 12, 16),
            [WINDOW_OPEN, EXPIRY_30],
            id="revoked-tomorrow-still-sends",
        ),
    ],
)
def test_revoked_period_sends_nothing(today: date, revoked_on: date, expected: list[str]) -> None:
    assert kinds(today, period=period(revoked_on=revoked_on)) == expected


@pytest.mark.parametrize(
    ("kwargs"),
    [
        pytest.param(
            {"period": P, "period_id": None, "assignment": None, "assignment_id": None},
            id="period-id",
        ),
        pytest.param(
            {"period": None, "period_id": None, "assignment": OPEN, "assignment_id": None},
            id="assignment-id",
        ),
    ],
)
def test_missing_ids_raise(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        reminders_due(D(2027, 6, 1), completed=False, **kwargs)


@given(st.integers(0, 400), st.integers(0, 364))
def test_a_due_reminder_stays_due_until_expiry(offset: int, window_days: int) -> None:
    """Catch-up: whatever was due yesterday is still due today, up to valid_until.

    So a cron that skips days still sends every reminder whose range it runs in, and
    the stored (kind, key) rows keep it to once each.
    """
    p = period(window_days=window_days)
    today = p.certified_on + timedelta(days=offset)
    yesterday = today - timedelta(days=1)
    if today <= p.valid_until:
        assert set(kinds(yesterday, period=p)) <= set(kinds(today, period=p))
    due_today = kinds(today, period=p)
    assert due_today == [k for k in REMINDER_KINDS if k in due_today]
