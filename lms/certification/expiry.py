"""Certificates that ran out: the daily run queues an xAPI ``expired`` statement for each.

The statement belongs to the period, so finding the periods is certification's part and
``lms.xapi.events`` only words the statement (it knows no certification tables).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.certification.models import CertificationPeriod as P
from lms.db import session
from lms.xapi import events as xapi


def certificates_expired(today: date) -> int:
    """Queue ``expired`` for every period that ended before ``today`` and was not renewed
    or revoked (run daily by ``send-reminders``; the outbox key makes it once each).
    Adds to the caller's transaction; returns how many were queued."""
    if not xapi.enabled():
        return 0
    newer = P.__table__.alias("newer")
    rows = session.scalars(
        select(P).where(
            P.valid_until < today,
            P.revoked_on.is_(None),
            ~select(newer.c.id)
            .where(
                newer.c.person_id == P.person_id,
                newer.c.course_id == P.course_id,
                newer.c.sequence > P.sequence,
            )
            .exists(),
        )
    )
    count = 0
    for period in rows:
        xapi.certificate_expired(period)
        count += 1
    return count
