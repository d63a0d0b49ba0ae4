"""Which reminder e-mails are due for one learner and one course on a given date.

The decision is pure: the ``send-reminders`` command gathers the facts, asks
``reminders_due`` and stores one row per (person, course, kind, key) for every
reminder it sends, skipping those already stored. That makes the rules *catch-up*
rules: each reminder is due for a whole range of dates rather than on a single day,
so a cron job that missed a few days still sends it, and the stored row ensures it is
sent only once. The ``key`` names the period or assignment a reminder is about, so a
new period (or a new assignment) re-arms its reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lms.domain.certification import AssignmentFacts, PeriodFacts, is_revoked


class ReminderKind(StrEnum):
    """A kind of reminder e-mail; the value is stored with every reminder sent.

    Listed in the order in which ``reminders_due`` lists reminders that fall due together.
    """

    WINDOW_OPEN = "window_open"
    EXPIRY_30 = "expiry_30"
    EXPIRY_7 = "expiry_7"
    EXPIRED = "expired"
    DUE_7 = "due_7"
    OVERDUE = "overdue"


WINDOW_OPEN = ReminderKind.WINDOW_OPEN
EXPIRY_30 = ReminderKind.EXPIRY_30
EXPIRY_7 = ReminderKind.EXPIRY_7
EXPIRED = ReminderKind.EXPIRED
DUE_7 = ReminderKind.DUE_7
OVERDUE = ReminderKind.OVERDUE

REMINDER_KINDS: tuple[ReminderKind, ...] = tuple(ReminderKind)


@dataclass(frozen=True)
class DueReminder:
    """One reminder to send: its kind and the period/assignment it is about."""

    kind: ReminderKind
    key: str


def period_key(period_id: int) -> str:
    """The reminder key of a certification period: ``"period:<id>"``."""
    return f"period:{period_id}"


def assignment_key(assignment_id: int) -> str:
    """The reminder key of an assignment: ``"assignment:<id>"``."""
    return f"assignment:{assignment_id}"


def reminders_due(
    today: date,
    *,
    period: PeriodFacts | None,
    period_id: int | None,
    assignment: AssignmentFacts | None,
    assignment_id: int | None,
    completed: bool,
) -> list[DueReminder]:
    """The reminders due on ``today`` for one learner and course, in ``REMINDER_KINDS`` order.

    ``period`` is the learner's latest period (``None`` if never certified; a period
    certified after ``today`` counts as absent) and ``period_id`` its id.
    ``assignment``/``assignment_id`` describe the current open assignment and
    ``completed`` whether it has been completed.

    For a period that is not revoked (as of ``today``), each kind is independent and
    due over a range of dates, both ends inclusive:

    - ``window_open``: ``window_opens_on <= today <= valid_until``
    - ``expiry_30``: ``valid_until - 30 days <= today <= valid_until``
    - ``expiry_7``: ``valid_until - 7 days <= today <= valid_until``
    - ``expired``: ``today > valid_until``

    so a cron that first runs late in the window sends the earlier ones too (once each,
    thanks to the stored rows). A revoked period sends nothing.

    Only when there is no valid period (none, expired or revoked) an assignment that
    is not completed and has a due date adds ``due_7`` (``due_on - 7 days <= today <=
    due_on``) or ``overdue`` (``today > due_on``): a certified learner with a stale
    assignment is not nagged about it.

    Raises ``ValueError`` when a period or assignment is given without its id, since
    the key could not be built.
    """
    if period is not None and period_id is None:
        raise ValueError("period_id is required with a period")
    if assignment is not None and assignment_id is None:
        raise ValueError("assignment_id is required with an assignment")

    due, has_valid_period = _period_reminders(today, period, period_id)
    if (
        not has_valid_period
        and assignment is not None
        and not completed
        and assignment.due_on is not None
    ):
        due += _assignment_reminders(today, assignment.due_on, assignment_key(assignment_id))
    return due


def _period_reminders(
    today: date, period: PeriodFacts | None, period_id: int | None
) -> tuple[list[DueReminder], bool]:
    """The period's reminders due today, and whether it is valid today."""
    # A period dated in the future does not exist yet on ``today`` (as in status_on).
    if period is None or period.certified_on > today or is_revoked(today, period):
        return [], False
    key = period_key(period_id)
    until = period.valid_until
    if today > until:
        return [DueReminder(EXPIRED, key)], False
    due = []
    if period.window_opens_on <= today:
        due.append(DueReminder(WINDOW_OPEN, key))
    if until - timedelta(days=30) <= today:
        due.append(DueReminder(EXPIRY_30, key))
    if until - timedelta(days=7) <= today:
        due.append(DueReminder(EXPIRY_7, key))
    return due, True


def _assignment_reminders(today: date, due_on: date, key: str) -> list[DueReminder]:
    """``overdue`` after the due date, ``due_7`` in the week before it."""
    if today > due_on:
        return [DueReminder(OVERDUE, key)]
    if due_on - timedelta(days=7) <= today:
        return [DueReminder(DUE_7, key)]
    return []
