"""Calendar months: adding them with clamping, and the shortest period they make."""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache


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
