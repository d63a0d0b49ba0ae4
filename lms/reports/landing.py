"""Where an admin lands: the organisation overview, unless they have training of their own."""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from lms.accounts.models import Person
from lms.certification.models import Assignment, CertificationPeriod
from lms.db import session


def has_own_training(person_id: int) -> bool:
    """Whether the person was ever assigned a course or certified on one (one statement)."""
    return bool(
        session.scalar(
            select(
                or_(
                    exists().where(Assignment.person_id == person_id),
                    exists().where(CertificationPeriod.person_id == person_id),
                )
            )
        )
    )


def lands_on_org_report(person: Person) -> bool:
    """Admins without training of their own start on the org report, not on an empty
    learner home ("Not assigned" on every course); the others keep the home (and the
    "Organisation" link in the header)."""
    return person.role == "admin" and not has_own_training(person.id)
