"""The dates of a new certification period, first or renewed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lms.domain.certification.months import add_months
from lms.domain.certification.rules import RENEWAL_MODES, CertificationRules


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
    mode = RENEWAL_MODES.require(rules.renewal_from)
    valid_until = mode(previous_valid_until, completed_on, rules)
    return PeriodDates(completed_on, valid_until, window_opens_on(valid_until, rules))
