"""Certification rules from a course's ``certification:`` block, and the renewal modes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lms.domain.certification.months import MAX_VALID_FOR_MONTHS, add_months, shortest_validity_days
from lms.domain.checks import PLAIN, Checks
from lms.domain.problems import Problem
from lms.domain.registry import Registry

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
RENEWAL_MODES: Registry[RenewalMode] = Registry("renewal mode")


def register_renewal_mode(name: str) -> Callable[[RenewalMode], RenewalMode]:
    """Decorator registering a renewal mode under the stable id ``name``.

    The decorated function takes ``(previous_valid_until, completed_on, rules)`` and
    returns the new period's ``valid_until``. Raises ``ValueError`` when ``name`` is
    already registered, so two plugins cannot silently replace each other's mode.
    """
    return RENEWAL_MODES.decorator(name)


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
