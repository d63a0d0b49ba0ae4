"""A learner's certification status on a day, derived from stored facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lms.domain.certification.periods import PeriodDates
from lms.domain.text import translatable


class Status(StrEnum):
    """A learner's status on one course; the value is what reports and the API show.

    Members are listed in the order reports list and sort statuses in. Each knows its
    :attr:`colour` and its English :attr:`label` (reports always print the word next to
    the colour, so colour is never the only cue).
    """

    NOT_ASSIGNED = "not_assigned"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def colour(self) -> str:
        """``grey``, ``green``, ``amber`` or ``red``."""
        return _COLOURS[self]

    @property
    def label(self) -> str:
        """The status in words (English; pages translate it)."""
        return _LABELS[self]


_COLOURS = {
    "not_assigned": "grey",
    "assigned": "grey",
    "in_progress": "grey",
    "overdue": "red",
    "certified": "green",
    "renewal_due": "amber",
    "expired": "red",
    "revoked": "red",
}

_LABELS = {
    "not_assigned": translatable("Not assigned"),
    "assigned": translatable("Assigned"),
    "in_progress": translatable("In progress"),
    "overdue": translatable("Overdue"),
    "certified": translatable("Certified"),
    "renewal_due": translatable("Renewal due"),
    "expired": translatable("Expired"),
    "revoked": translatable("Revoked"),
}

NOT_ASSIGNED = Status.NOT_ASSIGNED
ASSIGNED = Status.ASSIGNED
IN_PROGRESS = Status.IN_PROGRESS
OVERDUE = Status.OVERDUE
CERTIFIED = Status.CERTIFIED
RENEWAL_DUE = Status.RENEWAL_DUE
EXPIRED = Status.EXPIRED
REVOKED = Status.REVOKED

#: Every status, in the order reports list and sort them.
STATUSES: tuple[Status, ...] = tuple(Status)
STATUS_COLOURS: Mapping[str, str] = {s: s.colour for s in Status}
STATUS_LABELS: Mapping[str, str] = {s: s.label for s in Status}


class CycleMode(StrEnum):
    """Where a learner is in the certification cycle of a course, and so what to do.

    ``initial`` (never certified), ``certified`` (nothing to do), ``refresher`` (the
    window is open: the short refresher renews), ``retake`` (expired or revoked: the
    full course again).
    """

    INITIAL = "initial"
    CERTIFIED = "certified"
    REFRESHER = "refresher"
    RETAKE = "retake"


@dataclass(frozen=True)
class PeriodFacts:
    """What status needs to know about one stored certification period."""

    certified_on: date
    valid_until: date
    window_opens_on: date
    revoked_on: date | None = None


@dataclass(frozen=True)
class AssignmentFacts:
    """What status needs to know about the learner's current assignment of a course."""

    assigned_on: date
    due_on: date | None
    started: bool = False


def latest_period(today: date, periods: Sequence[PeriodFacts]) -> PeriodFacts | None:
    """The period in force on ``today``: the latest ``certified_on`` not after today.

    Future-dated periods are ignored (they do not exist yet on ``today``); ties on
    ``certified_on`` go to the later ``valid_until``. ``None`` when there is none.
    """
    current = [p for p in periods if p.certified_on <= today]
    if not current:
        return None
    return max(current, key=lambda p: (p.certified_on, p.valid_until))


def is_revoked(today: date, period: PeriodFacts) -> bool:
    """Whether ``period`` has been revoked on or before ``today``."""
    return period.revoked_on is not None and period.revoked_on <= today


def status_on(
    today: date,
    periods: Sequence[PeriodFacts],
    assignment: AssignmentFacts | None,
) -> str:
    """The learner's status on ``today`` for one course, one of ``STATUSES``.

    Derived from the stored facts, never stored itself. The latest period (see
    ``latest_period``) decides when there is one: ``revoked`` if revoked on or before
    today, ``expired`` after ``valid_until``, ``renewal_due`` from ``window_opens_on``
    through ``valid_until``, else ``certified``. An expired learner stays ``expired``
    (even while working on a refresher) until a new period exists. Without a period:
    ``not_assigned`` without an assignment, ``overdue`` after its ``due_on``,
    ``in_progress`` once started, else ``assigned``.
    """
    period = latest_period(today, periods)
    if period is not None:
        if is_revoked(today, period):
            return REVOKED
        if today > period.valid_until:
            return EXPIRED
        if today >= period.window_opens_on:
            return RENEWAL_DUE
        return CERTIFIED
    if assignment is None:
        return NOT_ASSIGNED
    if assignment.due_on is not None and today > assignment.due_on:
        return OVERDUE
    if assignment.started:
        return IN_PROGRESS
    return ASSIGNED


def is_in_window(today: date, period: PeriodFacts | PeriodDates) -> bool:
    """Whether ``today`` falls in the period's refresher window (both ends inclusive).

    Pure date arithmetic: revocation is ``status_on``'s business, not this helper's.
    """
    return period.window_opens_on <= today <= period.valid_until


def days_left(today: date, period: PeriodFacts | PeriodDates) -> int:
    """Days from ``today`` to ``valid_until``: 0 on the last valid day, negative after.

    Pure date arithmetic, like ``is_in_window``.
    """
    return (period.valid_until - today).days
