"""Certification dates and status: pure functions on calendar dates.

Everything here follows section 4 of the design notes. Dates are plain
``datetime.date`` values in the organisation's time zone; "today" is always an
argument, never read from a clock, so every rule can be tested on a table of dates.

A certificate is valid through ``valid_until`` *inclusive*: on ``valid_until`` the
learner is still certified, the day after they are expired.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from lms.domain.checks import PLAIN, Checks
from lms.domain.problems import Problem

# --------------------------------------------------------------------------- months


def add_months(d: date, months: int) -> date:
    """Return ``d`` moved by ``months`` calendar months (negative moves back).

    When the target month is shorter than ``d``'s day, the result is clamped to the
    target month's last day: 31 Jan + 1 = 28 Feb (29 Feb in a leap year), 29 Feb 2028
    + 12 = 28 Feb 2029. Raises ``OverflowError`` outside the years ``date`` supports.
    """
    # Work in a single "month index" so that carrying across year ends (either way)
    # is one divmod rather than a loop.
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise OverflowError(f"{d.isoformat()} + {months} months is out of range")
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# The Gregorian calendar repeats exactly every 400 years (146097 days, a whole number
# of weeks and months), so scanning one cycle covers every possible start date.
_CYCLE_START_YEAR = 2000
_CYCLE_YEARS = 400

# An upper bound keeps add_months inside the years ``date`` supports for any realistic
# certificate (and keeps the shortest-validity scan cheap); nobody certifies for a
# century.
MAX_VALID_FOR_MONTHS = 1200


@cache
def shortest_validity_days(months: int) -> int:
    """The fewest days a period of ``months`` calendar months can last, over all starts.

    For example 28 for 1 month (31 Jan -> 28 Feb in a common year) and 365 for 12
    months. Used to reject refresher windows that would open before (or on) the day a
    certificate is issued. ``months`` must be between 1 and ``MAX_VALID_FOR_MONTHS``.
    """
    if not 1 <= months <= MAX_VALID_FOR_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_VALID_FOR_MONTHS}")
    # Within one start month, the length is constant for days that exist in the end
    # month and shrinks for later days (they are clamped back to the end month's last
    # day). So the shortest period from any start month begins on its last day, and
    # scanning the 4800 month-ends of a 400-year cycle finds the exact minimum.
    shortest = None
    for index in range(_CYCLE_START_YEAR * 12, (_CYCLE_START_YEAR + _CYCLE_YEARS) * 12):
        year, month0 = divmod(index, 12)
        start = date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])
        length = (add_months(start, months) - start).days
        if shortest is None or length < shortest:
            shortest = length
    assert shortest is not None
    return shortest


# --------------------------------------------------------------------------- statuses

NOT_ASSIGNED = "not_assigned"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
CERTIFIED = "certified"
RENEWAL_DUE = "renewal_due"
EXPIRED = "expired"
REVOKED = "revoked"

# The order is the order reports list and sort statuses in.
STATUSES: tuple[str, ...] = (
    NOT_ASSIGNED,
    ASSIGNED,
    IN_PROGRESS,
    OVERDUE,
    CERTIFIED,
    RENEWAL_DUE,
    EXPIRED,
    REVOKED,
)

STATUS_COLOURS: Mapping[str, str] = {
    NOT_ASSIGNED: "grey",
    ASSIGNED: "grey",
    IN_PROGRESS: "grey",
    OVERDUE: "red",
    CERTIFIED: "green",
    RENEWAL_DUE: "amber",
    EXPIRED: "red",
    REVOKED: "red",
}

# Reports always print the word next to the colour, so colour is never the only cue.
STATUS_LABELS: Mapping[str, str] = {
    NOT_ASSIGNED: "Not assigned",
    ASSIGNED: "Assigned",
    IN_PROGRESS: "In progress",
    OVERDUE: "Overdue",
    CERTIFIED: "Certified",
    RENEWAL_DUE: "Renewal due",
    EXPIRED: "Expired",
    REVOKED: "Revoked",
}


# --------------------------------------------------------------------------- rules

DEFAULT_VALID_FOR_MONTHS = 12
DEFAULT_WINDOW_DAYS = 60
DEFAULT_RENEWAL_FROM = "expiry"


@dataclass(frozen=True)
class CertificationRules:
    """How long a certificate lasts and how it is renewed, from a course's YAML."""

    valid_for_months: int = DEFAULT_VALID_FOR_MONTHS
    window_days: int = DEFAULT_WINDOW_DAYS
    renewal_from: str = DEFAULT_RENEWAL_FROM


RenewalMode = Callable[[date, date, CertificationRules], date]

# Renewal modes are a registry keyed by a stable id (design principle 4): the id is
# what course YAML stores, so it must never change once published.
RENEWAL_MODES: dict[str, RenewalMode] = {}


def register_renewal_mode(name: str) -> Callable[[RenewalMode], RenewalMode]:
    """Decorator registering a renewal mode under the stable id ``name``.

    The decorated function takes ``(previous_valid_until, completed_on, rules)`` and
    returns the new period's ``valid_until``. Raises ``ValueError`` when ``name`` is
    already registered, so two plugins cannot silently replace each other's mode.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("a renewal mode needs a non-empty string id")
    if name in RENEWAL_MODES:
        raise ValueError(f"renewal mode {name!r} is already registered")

    def decorator(func: RenewalMode) -> RenewalMode:
        # Checked again here: the decorator may be applied long after it was made.
        if name in RENEWAL_MODES:
            raise ValueError(f"renewal mode {name!r} is already registered")
        RENEWAL_MODES[name] = func
        return func

    return decorator


@register_renewal_mode("completion")
def _renew_from_completion(
    previous_valid_until: date, completed_on: date, rules: CertificationRules
) -> date:
    """New period runs ``valid_for`` months from the day the refresher was completed."""
    return add_months(completed_on, rules.valid_for_months)


@register_renewal_mode("expiry")
def _renew_from_expiry(
    previous_valid_until: date, completed_on: date, rules: CertificationRules
) -> date:
    """On-time renewal extends from the old expiry; late renewal from completion.

    Renewing early therefore never costs the learner the days left on the old
    certificate, and renewing late does not back-date the new one.
    """
    if completed_on <= previous_valid_until:
        return add_months(previous_valid_until, rules.valid_for_months)
    return add_months(completed_on, rules.valid_for_months)


@register_renewal_mode("fixed")
def _renew_on_fixed_anniversary(
    previous_valid_until: date, completed_on: date, rules: CertificationRules
) -> date:
    """Step the old expiry forward by whole periods, keeping a fixed anniversary.

    Takes the smallest ``k >= 1`` for which ``previous_valid_until + k * valid_for``
    lies at least ``window_days`` after ``completed_on``, so the new certificate's
    window never opens before it was earned. Each candidate is computed from the
    anchor (not from the previous candidate) so month-end clamping never drifts the
    anniversary: anchor 31 Jan with 1-month periods gives 28 Feb, 31 Mar, 30 Apr.
    """
    step = rules.valid_for_months
    earliest = completed_on + timedelta(days=rules.window_days)
    months_apart = (completed_on.year - previous_valid_until.year) * 12 + (
        completed_on.month - previous_valid_until.month
    )
    # Jump close to the answer when renewing years late: any candidate at most
    # ``months_apart - 1`` months after the anchor falls in a month before completion,
    # so it is too early and can be skipped without passing the smallest valid k.
    k = max(1, (months_apart - 1) // step)
    while add_months(previous_valid_until, k * step) < earliest:
        k += 1
    return add_months(previous_valid_until, k * step)


_KNOWN_KEYS = ("valid_for", "window", "renewal_from", "refresher")
_REFRESHER_KEYS = ("all_modules", "draw", "scenario")


def validate_rules(raw: Mapping[str, Any] | None) -> list[Problem]:
    """Every problem in a course's ``certification:`` mapping; empty when it is valid.

    Checks: ``valid_for`` is a positive whole number of months (at most
    ``MAX_VALID_FOR_MONTHS``); ``window`` is a non-negative whole number of days and
    strictly shorter than the shortest period ``valid_for`` months can last (so the
    refresher window never opens on or before the day a certificate is issued; the
    defaults are used for whichever of the two is missing); ``renewal_from`` is a
    registered renewal mode; ``refresher`` is a mapping with optional ``all_modules``
    (bool), ``draw`` (positive int) and ``scenario`` (non-empty string or null).
    Unknown keys are problems. Each problem's path points at the offending key, e.g.
    ``("window",)`` or ``("refresher", "draw")``. ``None`` (an empty YAML block)
    means "all defaults" and is valid. Cross-file checks (the scenario exists, the
    refresher draw is smaller than the assessment's) belong to the course validator.
    """
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [Problem((), "certification must be a mapping")]
    checks = Checks(PLAIN, null_is_absent=False)
    checks.unknown_keys(raw, _KNOWN_KEYS)
    # None when the value is wrong: the two are compared only when both are usable, so
    # one typo gives one problem.
    valid_for = (
        checks.integer(raw, "valid_for", low=1, high=MAX_VALID_FOR_MONTHS, unit="months")
        if "valid_for" in raw
        else DEFAULT_VALID_FOR_MONTHS
    )
    window = (
        checks.integer(raw, "window", low=0, unit="days")
        if "window" in raw
        else DEFAULT_WINDOW_DAYS
    )
    if valid_for is not None and window is not None:
        _check_window_fits(checks, raw, valid_for, window)
    checks.one_of(raw, "renewal_from", sorted(RENEWAL_MODES), required=False)
    if "refresher" in raw:
        _check_refresher(checks, raw["refresher"])
    return checks.problems


def _check_window_fits(checks: Checks, raw: Mapping[str, Any], valid_for: int, window: int) -> None:
    """The window must open after the day a certificate is issued, however short the period."""
    shortest = shortest_validity_days(valid_for)
    if window >= shortest:
        # Blame the key the author wrote; if only valid_for was given, it is the
        # short validity that clashes with the default window.
        path = ("window",) if "window" in raw or "valid_for" not in raw else ("valid_for",)
        checks.add(
            path,
            f"window ({window} days) must be shorter than valid_for "
            f"({valid_for} months can be as short as {shortest} days)",
        )


def _check_refresher(checks: Checks, refresher: Any) -> None:
    """Problems in the ``refresher:`` sub-mapping, with paths under ``refresher``."""
    if refresher is None:
        # ``refresher:`` with nothing under it: every option keeps its default.
        return
    if not isinstance(refresher, Mapping):
        checks.add(("refresher",), "refresher must be a mapping")
        return
    path = ("refresher",)
    checks.unknown_keys(refresher, _REFRESHER_KEYS, path)
    checks.boolean(refresher, "all_modules", path)
    checks.integer(refresher, "draw", path, low=1)
    if "scenario" in refresher and refresher["scenario"] is not None:
        checks.text(refresher, "scenario", path)


def rules_from(raw: Mapping[str, Any] | None) -> CertificationRules:
    """Build ``CertificationRules`` from a ``certification:`` mapping, with defaults.

    Missing keys (or a ``None`` block) take the defaults: 12 months, 60 days,
    ``expiry``. The ``refresher`` part is not a date rule and is ignored here. Raises
    ``ValueError`` listing the problems when the mapping does not pass
    ``validate_rules``, so invalid rules can never reach the date arithmetic.
    """
    problems = validate_rules(raw)
    if problems:
        details = "; ".join(
            f"{'.'.join(str(p) for p in problem.path) or 'certification'}: {problem.message}"
            for problem in problems
        )
        raise ValueError(f"invalid certification rules: {details}")
    raw = raw or {}
    return CertificationRules(
        valid_for_months=raw.get("valid_for", DEFAULT_VALID_FOR_MONTHS),
        window_days=raw.get("window", DEFAULT_WINDOW_DAYS),
        renewal_from=raw.get("renewal_from", DEFAULT_RENEWAL_FROM),
    )


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class PeriodDates:
    """The dates of a new certification period, as computed when it is issued."""

    certified_on: date
    valid_until: date
    window_opens_on: date


def window_opens_on(valid_until: date, rules: CertificationRules) -> date:
    """The first day of the refresher window: ``window_days`` before ``valid_until``."""
    return valid_until - timedelta(days=rules.window_days)


def first_period(completed_on: date, rules: CertificationRules) -> PeriodDates:
    """Dates of a learner's first period on a course, earned on ``completed_on``.

    There is no previous expiry to anchor to, so every renewal mode starts the first
    period the same way: ``valid_until = completed_on + valid_for`` months.
    """
    valid_until = add_months(completed_on, rules.valid_for_months)
    return PeriodDates(completed_on, valid_until, window_opens_on(valid_until, rules))


def renewed_period(
    previous_valid_until: date, completed_on: date, rules: CertificationRules
) -> PeriodDates:
    """Dates of the period earned by renewing on ``completed_on``.

    ``previous_valid_until`` is the last day of the learner's previous period; the new
    ``valid_until`` comes from the renewal mode named by ``rules.renewal_from``.
    Raises ``ValueError`` for an unregistered mode.
    """
    try:
        mode = RENEWAL_MODES[rules.renewal_from]
    except KeyError:
        raise ValueError(f"unknown renewal mode {rules.renewal_from!r}") from None
    valid_until = mode(previous_valid_until, completed_on, rules)
    return PeriodDates(completed_on, valid_until, window_opens_on(valid_until, rules))


# --------------------------------------------------------------------------- status


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
