"""What the candidate pages list: the candidates a viewer manages with their newest
invitation, and the records an erasure keeps."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import Invite, Person
from lms.candidates.access import candidates_query
from lms.certification.models import Assignment, CertificationPeriod
from lms.db import session


def pending_invite(person_id: int) -> Invite | None:
    """The candidate's newest invitation, for the list page (used, pending or expired)."""
    return session.scalar(
        select(Invite)
        .where(Invite.person_id == person_id)
        .order_by(Invite.created_at.desc(), Invite.id.desc())
        .limit(1)
    )


def candidate_list(viewer: Person) -> tuple[list[Person], dict[int, Invite | None]]:
    """The candidates ``viewer`` manages, newest first, and each one's newest invitation."""
    candidates = list(session.scalars(candidates_query(viewer)))
    return candidates, {c.id: pending_invite(c.id) for c in candidates}


def kept_records(person_id: int) -> dict[str, int]:
    """What an erasure keeps (anonymous): the person's assignments and certificates."""
    return {
        "assignments": _count(Assignment, person_id),
        "certificates": _count(CertificationPeriod, person_id),
    }


def _count(model, person_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(model).where(model.person_id == person_id))
        or 0
    )


def invited_person(invite: Invite) -> Person:
    """The candidate an invitation is for."""
    return session.get(Person, invite.person_id)
