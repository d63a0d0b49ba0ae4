"""What becomes of a candidate: hired (the same person row, now an employee) or erased
(personal data gone, anonymous learning records kept)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from lms.accounts.hierarchy import ManagerLoop, set_manager
from lms.accounts.models import Invite, Person
from lms.audit.services import record
from lms.candidates.access import may_hire_into, may_manage
from lms.candidates.errors import CandidateError
from lms.candidates.links import expire_unused_invites
from lms.certification.models import CertificationPeriod
from lms.db import session
from lms.outbox import forget_person

ERASED_NAME = "Erased candidate"


def hire(candidate: Person, by: Person, manager: Person, department: str | None) -> Person:
    """Make the candidate an employee under ``manager``: the same person row, so every
    attempt, scenario run, assignment and certificate stays theirs."""
    if not may_manage(by, candidate):
        raise CandidateError("not a candidate you manage")
    if not may_hire_into(by, manager):
        raise CandidateError("that manager is not in your reporting tree")
    # Once, whoever gets there first: two simultaneous hires record one event.
    claimed = session.execute(
        update(Person)
        .where(Person.id == candidate.id, Person.role == "candidate")
        .values(role="employee", department=(department or "").strip() or None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        session.rollback()
        session.refresh(candidate)
        return candidate
    session.refresh(candidate, ["role", "department"])
    try:
        set_manager(candidate, manager)
    except ManagerLoop as exc:
        session.rollback()
        raise CandidateError(str(exc)) from None
    expire_unused_invites(candidate.id)
    record(
        "hire_candidate",
        actor=by,
        target_type="person",
        target_id=candidate.id,
        manager_id=manager.id,
        department=candidate.department,
    )
    session.commit()
    return candidate


def erase(candidate: Person, by: Person) -> None:
    """Erase a candidate who was not hired: their personal data goes, their learning
    records stay (anonymous), so completion and assignment counts stay right.

    Name, e-mail, password, external id and the name frozen on any certificate are
    replaced; invitations and the e-mails still queued for them are deleted. The audit
    event holds only the id.
    """
    if not may_manage(by, candidate):
        raise CandidateError("not a candidate you manage")
    candidate_id = candidate.id
    claimed = session.execute(
        update(Person)
        .where(Person.id == candidate_id, Person.status != "erased")
        .values(status="erased")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:  # erased by a simultaneous request: once is enough
        session.rollback()
        return
    candidate.name = ERASED_NAME
    candidate.email = f"erased-{candidate_id}@erased.invalid"
    candidate.password_hash = None
    candidate.external_id = None
    candidate.status = "erased"
    for period in session.scalars(
        select(CertificationPeriod).where(CertificationPeriod.person_id == candidate_id)
    ):
        period.details = {**period.details, "person_name": ERASED_NAME}
    session.execute(
        delete(Invite)
        .where(Invite.person_id == candidate_id)
        .execution_options(synchronize_session=False)
    )
    forget_person(candidate_id)  # e-mails still queued for them hold their name and address
    record(
        "erase_person",
        actor=by,
        target_type="person",
        target_id=candidate_id,
        person_id=candidate_id,
    )
    session.commit()
