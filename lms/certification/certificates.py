"""Queries about issued certificates (periods): by code, a person's list, their status.

Views call these instead of running SQL; the status words come from the pure
``lms.domain.certificates.certificate_status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.accounts.models import Person
from lms.certification.models import CertificationPeriod
from lms.certification.services import period_facts
from lms.clock import today as clock_today
from lms.courses.models import Course
from lms.db import session
from lms.domain.certificates import certificate_status


@dataclass(frozen=True)
class Certificate:
    """One issued certificate as a page shows it."""

    period: CertificationPeriod
    course_slug: str
    status: str  # valid | renewal_due | expired | revoked | renewed


def by_code(code: str) -> CertificationPeriod | None:
    return session.scalar(select(CertificationPeriod).where(CertificationPeriod.code == code))


def by_id(period_id: int) -> CertificationPeriod | None:
    """One certification period by its id, or None."""
    return session.get(CertificationPeriod, period_id)


def holder(period: CertificationPeriod) -> Person | None:
    """The person the certificate was issued to (None once their row is gone)."""
    return session.get(Person, period.person_id)


def _statuses(periods: list[CertificationPeriod], today: date) -> dict[int, str]:
    """Each period's status, knowing the later periods of the same person and course."""
    out = {}
    for p in periods:
        later = [
            period_facts(q)
            for q in periods
            if q.person_id == p.person_id and q.course_id == p.course_id and q.sequence > p.sequence
        ]
        out[p.id] = certificate_status(today, period_facts(p), later)
    return out


def certificates_of(person_id: int, today: date | None = None) -> list[Certificate]:
    """The person's certificates, newest first, in one query."""
    rows = session.execute(
        select(CertificationPeriod, Course.slug)
        .join(Course, Course.id == CertificationPeriod.course_id)
        .where(CertificationPeriod.person_id == person_id)
        .order_by(CertificationPeriod.certified_on.desc(), CertificationPeriod.id.desc())
    ).all()
    statuses = _statuses([p for p, _ in rows], today or clock_today())
    return [Certificate(p, slug, statuses[p.id]) for p, slug in rows]


def status_of(period: CertificationPeriod, today: date | None = None) -> str:
    """One certificate's status (the verification and revoke pages)."""
    siblings = list(
        session.scalars(
            select(CertificationPeriod).where(
                CertificationPeriod.person_id == period.person_id,
                CertificationPeriod.course_id == period.course_id,
            )
        )
    )
    return _statuses(siblings, today or clock_today())[period.id]


def statuses_of(periods: list[CertificationPeriod], today: date | None = None) -> dict[int, str]:
    """Statuses of a person's already-loaded periods (all of them, for ``renewed``)."""
    return _statuses(periods, today or clock_today())
