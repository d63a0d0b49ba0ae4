"""The one place that knows what day it is.

Certification dates are calendar dates in the organisation's time zone
(``LMS_TIMEZONE``). ``LMS_TODAY=YYYY-MM-DD`` pins the date for demos, tests and support
("show me the site a year from now"). Domain functions never call this: they take
``today`` as an argument.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def today() -> date:
    """Today's date in the organisation's time zone, or the pinned ``LMS_TODAY``."""
    pinned = current_app.config.get("LMS_TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
    return datetime.now(ZoneInfo(current_app.config["LMS_TIMEZONE"])).date()


def now() -> datetime:
    """The current moment as naive UTC; with ``LMS_TODAY`` pinned, that day at the current
    time, so timestamps (progress, attempts, runs) agree with the pinned date."""
    real = datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)
    if has_app_context():
        pinned = current_app.config.get("LMS_TODAY")
        if pinned:
            day = pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
            return datetime.combine(day, real.time())
    return real
