"""The one place that knows what day it is.

Certification dates are calendar dates in the organisation's time zone
(``LMS_TIMEZONE``). ``LMS_TODAY=YYYY-MM-DD`` pins the date for demos, tests and support
("show me the site a year from now"). Domain functions never call this: they take
``today`` as an argument.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """Today's date in the organisation's time zone, or the pinned ``LMS_TODAY``."""
    pinned = current_app.config.get("LMS_TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
    return datetime.now(ZoneInfo(current_app.config["LMS_TIMEZONE"])).date()
