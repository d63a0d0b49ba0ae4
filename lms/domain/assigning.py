"""What assigning a course does to each person: pure rules on their status.

Assigning never rewrites history. A person keeps an open assignment they already have,
with its due date (so an overdue person stays overdue), and someone holding a valid
certificate is skipped, unless the one assigning explicitly asks to re-assign certified
people (a new assignment for their next cycle; their certificate is untouched). Everyone
else gets a new assignment. The confirm page, the write and the API all use ``outcome``,
and ``fingerprint`` lets Confirm check that it does exactly what the page showed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date

from lms.domain.certification import CERTIFIED, OVERDUE, RENEWAL_DUE, add_months
from lms.domain.text import translatable

ASSIGNED = "assigned"  # gets a new assignment
REASSIGNED = "reassigned"  # certified, re-assigned on request: a new assignment
ALREADY_ASSIGNED = "already_assigned"  # has an open assignment: it and its due date stay
OVERDUE_KEPT = "overdue_kept"  # has an overdue open assignment: it stays overdue
ALREADY_CERTIFIED = "already_certified"  # holds a valid certificate: skipped

OUTCOMES: tuple[str, ...] = (
    ASSIGNED,
    REASSIGNED,
    ALREADY_ASSIGNED,
    OVERDUE_KEPT,
    ALREADY_CERTIFIED,
)
WRITES: frozenset[str] = frozenset({ASSIGNED, REASSIGNED})

OUTCOME_LABELS: Mapping[str, str] = {
    ASSIGNED: translatable("New assignment"),
    REASSIGNED: translatable("Certified, re-assigned"),
    ALREADY_ASSIGNED: translatable("Already assigned (due date kept)"),
    OVERDUE_KEPT: translatable("Overdue (kept as it is)"),
    ALREADY_CERTIFIED: translatable("Already certified (skipped)"),
}


def outcome(status: str, has_open_assignment: bool, *, reassign: bool = False) -> str:
    """What assigning does to one person, from their status on the day.

    ``status`` is one of ``lms.domain.certification.STATUSES``; ``has_open_assignment``
    says whether they have an assignment of the course that no certificate fulfilled yet.
    """
    if has_open_assignment:
        return OVERDUE_KEPT if status == OVERDUE else ALREADY_ASSIGNED
    if status in (CERTIFIED, RENEWAL_DUE):
        return REASSIGNED if reassign else ALREADY_CERTIFIED
    return ASSIGNED


def counts(outcomes: Iterable[str]) -> dict[str, int]:
    """How many people get each outcome, every outcome present (in ``OUTCOMES`` order)."""
    out = dict.fromkeys(OUTCOMES, 0)
    for o in outcomes:
        out[o] += 1
    return out


#: How far ahead a due date may lie, in years from today. A compliance deadline is for
#: this cycle of training (certificates last 12 months by default): a due date more than
#: two years out is a typing slip (2062 for 2026, 9999 as "never"), and a deadline so far
#: away would never be reminded of or reported as overdue in any useful time.
MAX_DUE_YEARS = 2

DUE_IN_THE_PAST = "due_in_the_past"
DUE_TOO_FAR_AHEAD = "due_too_far_ahead"


def latest_due_date(today: date) -> date:
    """The last day a due date set on ``today`` may be (``MAX_DUE_YEARS`` calendar years
    on, clamped: 29 Feb 2028 -> 28 Feb 2030)."""
    try:
        return add_months(today, 12 * MAX_DUE_YEARS)
    except OverflowError:  # a clock pinned to the end of the calendar
        return date.max


def due_date_check(due_on: date | None, today: date) -> str | None:
    """``DUE_IN_THE_PAST``, ``DUE_TOO_FAR_AHEAD`` or None (acceptable; no due date is).

    Today itself is allowed, and so is the last day ``latest_due_date`` gives. A due date
    before today would make the assignment overdue the moment it is made."""
    if due_on is None:
        return None
    if due_on < today:
        return DUE_IN_THE_PAST
    if due_on > latest_due_date(today):
        return DUE_TOO_FAR_AHEAD
    return None


def due_date_problem(due_on: date | None, today: date) -> str | None:
    """Why a due date cannot be used, in the API's (English) words, or None."""
    found = due_date_check(due_on, today)
    if found == DUE_IN_THE_PAST:
        return f"the due date {due_on.isoformat()} is in the past (today is {today.isoformat()})"
    if found == DUE_TOO_FAR_AHEAD:
        return (
            f"the due date {due_on.isoformat()} is more than {MAX_DUE_YEARS} years ahead "
            f"(the latest allowed is {latest_due_date(today).isoformat()})"
        )
    return None


def fingerprint(
    course_id: int, reason: str, due_on: date | None, reassign: bool, outcomes: Mapping[int, str]
) -> str:
    """A short digest of exactly what an assignment will do: the course, its settings and
    every person's outcome. It changes when any of them does, whatever the order given."""
    parts = [
        str(course_id),
        reason,
        due_on.isoformat() if due_on else "-",
        "1" if reassign else "0",
    ]
    parts += [f"{pid}:{o}" for pid, o in sorted(outcomes.items())]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
