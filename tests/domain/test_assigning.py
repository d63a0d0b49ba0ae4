"""What assigning a course does to each person (pure rules)."""

from __future__ import annotations

from datetime import date

import pytest

from lms.domain import assigning as a
from lms.domain.certification import STATUSES

# status, has an open assignment, reassign -> outcome
CASES = [
    ("not_assigned", False, False, a.ASSIGNED),
    ("expired", False, False, a.ASSIGNED),
    ("revoked", False, False, a.ASSIGNED),
    ("certified", False, False, a.ALREADY_CERTIFIED),
    ("renewal_due", False, False, a.ALREADY_CERTIFIED),
    ("certified", False, True, a.REASSIGNED),
    ("renewal_due", False, True, a.REASSIGNED),
    ("assigned", True, False, a.ALREADY_ASSIGNED),
    ("in_progress", True, False, a.ALREADY_ASSIGNED),
    ("overdue", True, False, a.OVERDUE_KEPT),
    ("overdue", True, True, a.OVERDUE_KEPT),  # re-assigning never resets an overdue status
    ("in_progress", True, True, a.ALREADY_ASSIGNED),  # ... nor moves an open due date
    ("certified", True, True, a.ALREADY_ASSIGNED),  # re-assigned before: one open assignment only
    ("expired", True, False, a.ALREADY_ASSIGNED),
]


@pytest.mark.parametrize("status, has_open, reassign, expected", CASES)
def test_outcome(status, has_open, reassign, expected):
    assert a.outcome(status, has_open, reassign=reassign) == expected


@pytest.mark.parametrize("status", STATUSES)
def test_an_open_assignment_is_never_replaced(status):
    assert a.outcome(status, True, reassign=True) not in a.WRITES


def test_every_outcome_has_a_label_and_counts_list_them_all():
    assert set(a.OUTCOME_LABELS) == set(a.OUTCOMES)
    assert a.counts([a.ASSIGNED, a.ASSIGNED, a.OVERDUE_KEPT]) == {
        a.ASSIGNED: 2,
        a.REASSIGNED: 0,
        a.ALREADY_ASSIGNED: 0,
        a.OVERDUE_KEPT: 1,
        a.ALREADY_CERTIFIED: 0,
    }


TODAY = date(2027, 3, 1)

# due date -> what the rule says (today 2027-03-01; MAX_DUE_YEARS = 2, so 2029-03-01 is last)
DUE_CASES = [
    (None, None),  # no due date is allowed
    (date(2027, 3, 1), None),  # today
    (date(2027, 3, 2), None),
    (date(2028, 12, 31), None),
    (date(2029, 3, 1), None),  # the last day allowed
    (date(2027, 2, 28), a.DUE_IN_THE_PAST),
    (date(2020, 1, 1), a.DUE_IN_THE_PAST),
    (date(1, 1, 1), a.DUE_IN_THE_PAST),
    (date(2029, 3, 2), a.DUE_TOO_FAR_AHEAD),
    (date(2062, 3, 1), a.DUE_TOO_FAR_AHEAD),  # a typing slip for 2026/2027
    (date(9999, 12, 31), a.DUE_TOO_FAR_AHEAD),  # "never"
]


@pytest.mark.parametrize("due, expected", DUE_CASES)
def test_due_date_check(due, expected):
    assert a.due_date_check(due, TODAY) == expected


@pytest.mark.parametrize("due, expected", DUE_CASES)
def test_due_date_problem_words_each_check(due, expected):
    message = a.due_date_problem(due, TODAY)
    if expected is None:
        assert message is None
    else:
        assert due.isoformat() in message
        assert ("in the past" in message) is (expected == a.DUE_IN_THE_PAST)
        assert ("2 years ahead" in message and "2029-03-01" in message) is (
            expected == a.DUE_TOO_FAR_AHEAD
        )


@pytest.mark.parametrize(
    "today, latest",
    [
        (date(2027, 3, 1), date(2029, 3, 1)),
        (date(2028, 2, 29), date(2030, 2, 28)),  # clamped to the month's end
        (date(2026, 12, 31), date(2028, 12, 31)),
        (date(9998, 6, 1), date.max),  # a clock pinned at the calendar's end
    ],
)
def test_latest_due_date(today, latest):
    assert a.MAX_DUE_YEARS == 2
    assert a.latest_due_date(today) == latest
    assert a.due_date_check(latest, today) is None


def test_the_fingerprint_changes_with_anything_confirm_would_do_differently():
    base = dict(
        course_id=1,
        reason="annual",
        due_on=date(2027, 3, 1),
        reassign=False,
        outcomes={3: a.ASSIGNED, 1: a.OVERDUE_KEPT},
    )
    same_other_order = {**base, "outcomes": {1: a.OVERDUE_KEPT, 3: a.ASSIGNED}}
    assert a.fingerprint(**base) == a.fingerprint(**same_other_order)
    variants = [
        {"course_id": 2},
        {"reason": "manual"},
        {"due_on": date(2027, 3, 2)},
        {"due_on": None},
        {"reassign": True},
        {"outcomes": {3: a.ALREADY_ASSIGNED, 1: a.OVERDUE_KEPT}},
        {"outcomes": {3: a.ASSIGNED}},
        {"outcomes": {3: a.ASSIGNED, 1: a.OVERDUE_KEPT, 4: a.ASSIGNED}},
    ]
    prints = {a.fingerprint(**{**base, **v}) for v in variants}
    assert len(prints) == len(variants) and a.fingerprint(**base) not in prints
