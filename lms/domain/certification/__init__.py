"""Certification dates and status: pure functions on calendar dates.

Everything here follows section 4 of the design notes. Dates are plain
``datetime.date`` values in the organisation's time zone; "today" is always an
argument, never read from a clock, so every rule can be tested on a table of dates.

A certificate is valid through ``valid_until`` *inclusive*: on ``valid_until`` the
learner is still certified, the day after they are expired.

Modules: :mod:`.months` (calendar arithmetic), :mod:`.rules` (the rules and renewal
modes), :mod:`.periods` (a new period's dates) and :mod:`.status`. Everything public is
importable from the package itself.
"""

from lms.domain.certification.months import (
    MAX_VALID_FOR_MONTHS,
    add_months,
    shortest_validity_days,
)
from lms.domain.certification.periods import (
    PeriodDates,
    first_period,
    renewed_period,
    window_opens_on,
)
from lms.domain.certification.rules import (
    DEFAULT_RENEWAL_FROM,
    DEFAULT_VALID_FOR_MONTHS,
    DEFAULT_WINDOW_DAYS,
    RENEWAL_MODES,
    CertificationRules,
    RenewalMode,
    register_renewal_mode,
    rules_from,
    validate_rules,
)
from lms.domain.certification.status import (
    ASSIGNED,
    CERTIFIED,
    EXPIRED,
    IN_PROGRESS,
    NOT_ASSIGNED,
    OVERDUE,
    RENEWAL_DUE,
    REVOKED,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    AssignmentFacts,
    CycleMode,
    PeriodFacts,
    Status,
    days_left,
    is_in_window,
    is_revoked,
    latest_period,
    status_on,
)

__all__ = [
    "ASSIGNED",
    "CERTIFIED",
    "DEFAULT_RENEWAL_FROM",
    "DEFAULT_VALID_FOR_MONTHS",
    "DEFAULT_WINDOW_DAYS",
    "EXPIRED",
    "IN_PROGRESS",
    "MAX_VALID_FOR_MONTHS",
    "NOT_ASSIGNED",
    "OVERDUE",
    "RENEWAL_DUE",
    "RENEWAL_MODES",
    "REVOKED",
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "AssignmentFacts",
    "CycleMode",
    "CertificationRules",
    "PeriodDates",
    "PeriodFacts",
    "RenewalMode",
    "Status",
    "add_months",
    "days_left",
    "first_period",
    "is_in_window",
    "is_revoked",
    "latest_period",
    "register_renewal_mode",
    "renewed_period",
    "rules_from",
    "shortest_validity_days",
    "status_on",
    "validate_rules",
    "window_opens_on",
]
