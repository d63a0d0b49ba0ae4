"""Candidates before hire: invitations, accepting them, hiring and erasure.

Who may do what is decided in ``lms.candidates.access`` and checked again by every
write; hiring and erasing are in ``lms.candidates.outcomes``; this module invites and
accepts, and re-exports the names callers use.

An invitation link carries a token signed with the app's secret key (itsdangerous, salt
``lms-invite``); the database keeps only its SHA-256, so a leaked database does not leak
usable links. ``used_at`` makes a link single-use, and ``expires_at`` (and the signature's
own age) make it expire after ``LMS_INVITE_MAX_AGE_DAYS`` days.

The invitation e-mail (templates ``lms/email/candidate_invite.*``) is queued in the outbox
in the same transaction as the invitation, and delivered by ``flask lms send-mail``. Until
then its link is in the outbox row; the delivered row keeps no payload.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts import services as accounts
from lms.accounts.emails import check_email
from lms.accounts.models import Invite, Person
from lms.audit.services import record
from lms.candidates.access import (
    candidates_query,
    default_manager,
    eligible_managers,
    find_candidate,
    invited_by,
    may_hire_into,
    may_manage,
)
from lms.candidates.errors import INVITE_ERRORS, AlreadyExists, CandidateError, InviteError
from lms.candidates.links import (
    INVITE_SALT,
    expire_unused_invites,
    max_age,
    serializer,
    token_hash,
)
from lms.candidates.outcomes import ERASED_NAME, erase, hire
from lms.candidates.queries import pending_invite
from lms.certification import services as certification
from lms.certification.models import Assignment
from lms.courses.models import Course
from lms.db import session, utcnow
from lms.outbox.mail import queue_mail
from lms.web.urls import absolute_url

__all__ = [
    "ERASED_NAME",
    "INVITE_ERRORS",
    "INVITE_SALT",
    "AlreadyExists",
    "CandidateError",
    "InviteError",
    "accept",
    "candidates_query",
    "check",
    "default_manager",
    "eligible_managers",
    "erase",
    "find_candidate",
    "hire",
    "invite",
    "invited_by",
    "max_age",
    "may_hire_into",
    "may_manage",
    "pending_invite",
    "token_hash",
]


def invite(
    email: str,
    name: str,
    course_ids: list[int],
    due_on: date | None,
    by: Person,
    manager: Person | None = None,
    department: str | None = None,
) -> tuple[Person, str]:
    """Invite a candidate (or re-invite one who has not accepted yet); return the person
    and the absolute link their e-mail carries.

    A re-invitation makes every earlier unused link of that candidate expire now, so
    only the newest link works. A manager's candidates are theirs: ``manager`` defaults
    to the inviting manager. Raises ``CandidateError`` when the rules refuse. The e-mail
    is queued in the outbox with the invitation (one commit) and sent by the worker.

    In a host app (not standalone) there is no invitation link: the host's own accounts
    sign people in, so the e-mail points at the LMS home and no ``Invite`` row is made.
    """
    manager = _inviting_manager(by, manager)
    address = _valid_address(email)
    course_ids = _valid_courses(course_ids)
    state = current_app.extensions["lms"]
    person, reinvited = _person_to_invite(address, name, by, manager, department)

    now = utcnow()
    url = absolute_url("lms.home.index")
    if state.standalone:
        url = _new_invite_link(person, by, now)

    already = set(
        session.scalars(select(Assignment.course_id).where(Assignment.person_id == person.id))
    )
    event = record(
        "invite_candidate",
        actor=by,
        target_type="person",
        target_id=person.id,
        course_ids=course_ids,
        due_on=due_on.isoformat() if due_on else None,
        manager_id=person.manager_id,
        reinvite=reinvited,
    )
    new_courses = [c for c in course_ids if c not in already]
    for course_id in new_courses:
        certification.assign(
            course_id, [person.id], reason="onboarding", due_on=due_on, by=by, commit=False
        )
    session.flush()  # the audit event's id names this invitation's e-mail
    _queue_invitation(person, url, due_on, standalone=state.standalone, event_id=event.id)
    session.commit()  # person, invite, audit events, assignments and the e-mail: one transaction
    if not reinvited:
        signals.person_created.send(current_app._get_current_object(), person=person)
    return person, url


def _inviting_manager(by: Person, manager: Person | None) -> Person | None:
    """Whom the candidate will report to; refuses people who may not invite there."""
    if by.role not in ("admin", "manager"):
        raise CandidateError("only admins and managers invite candidates")
    if by.role == "manager":
        manager = manager or by
        if not may_hire_into(by, manager):
            raise CandidateError("a manager invites candidates into their own team only")
    return manager


def _valid_address(email: str) -> str:
    try:
        return check_email(email)
    except ValueError as exc:
        raise CandidateError(str(exc)) from None


def _valid_courses(course_ids: list[int]) -> list[int]:
    """The onboarding courses, once each; refuses none or an unknown one."""
    course_ids = sorted(set(course_ids))
    if not course_ids:
        raise CandidateError("choose at least one onboarding course")
    _check_courses(course_ids)
    return course_ids


def _person_to_invite(
    address: str, name: str, by: Person, manager: Person | None, department: str | None
) -> tuple[Person, bool]:
    """The new candidate, or the invited one ``by`` manages (their details updated and
    their unused links expired); and whether this is a re-invitation."""
    person = accounts.find_by_email(address)
    reinvited = person is not None
    if person is None:
        person = accounts.create_person(
            email=address,
            name=name,
            role="candidate",
            status="invited",
            manager=manager,
            department=department,
            commit=False,
        )
        try:
            session.flush()
        except IntegrityError:  # someone created the same address a moment ago
            session.rollback()
            raise AlreadyExists(f"a person with e-mail {address} already exists") from None
    elif person.role != "candidate" or person.status != "invited" or not may_manage(by, person):
        raise AlreadyExists(f"a person with e-mail {address} already exists")
    else:
        person.name = name.strip() or person.name
        if manager is not None:
            person.manager_id = manager.id
        if department:
            person.department = department
        expire_unused_invites(person.id)
    return person, reinvited


def _check_courses(course_ids: list[int]) -> None:
    found = set(session.scalars(select(Course.id).where(Course.id.in_(course_ids))))
    if found != set(course_ids):
        raise CandidateError("unknown course")


def _new_invite_link(person: Person, by: Person, now: datetime) -> str:
    # The token names the invite's id, so the row exists first with a placeholder hash
    # (random, never a valid token's hash) that is replaced before the commit.
    row = Invite(
        person_id=person.id,
        created_by_id=by.id,
        created_at=now,
        expires_at=now + max_age(),
        token_hash=secrets.token_hex(32),
    )
    session.add(row)
    session.flush()
    token = serializer().dumps({"invite": row.id, "nonce": secrets.token_urlsafe(16)})
    row.token_hash = token_hash(token)
    return absolute_url("lms.candidates.accept", token=token)


def _queue_invitation(
    person: Person, url: str, due_on: date | None, *, standalone: bool, event_id: int
) -> None:
    queue_mail(
        to=person,
        template="candidate_invite",
        key=f"candidate-invite:{person.id}:{event_id}",
        context={
            "url": url,
            "due_on": due_on,
            "standalone": standalone,
            "max_age_days": current_app.config["LMS_INVITE_MAX_AGE_DAYS"],
        },
    )


def check(token: str) -> Invite:
    """The usable invite behind ``token``; raises ``InviteError`` otherwise. Changes nothing."""
    expired = False
    try:
        payload = serializer().loads(token, max_age=max_age().total_seconds())
    except SignatureExpired as exc:
        expired, payload = True, _payload_of(exc)
    except BadSignature:
        raise InviteError("invalid") from None
    invite_row = session.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
    if (
        invite_row is None
        or not isinstance(payload, dict)
        or payload.get("invite") != invite_row.id
    ):
        raise InviteError("invalid")
    if invite_row.used_at is not None:
        raise InviteError("used")
    if expired or invite_row.expires_at <= utcnow():
        raise InviteError("expired")
    person = session.get(Person, invite_row.person_id)
    if person is None or person.role != "candidate" or person.status == "erased":
        raise InviteError("invalid")
    return invite_row


def _payload_of(exc: SignatureExpired):
    try:
        return serializer().load_payload(exc.payload) if exc.payload is not None else None
    except BadSignature:
        return None


def accept(token: str, name: str, password: str) -> Person:
    """Use the invitation: set the candidate's name and password and make them active.

    The link is marked used by a conditional UPDATE (``WHERE used_at IS NULL``) in the
    same transaction, so of two simultaneous submits exactly one succeeds and the other
    gets ``InviteError("used")``. A too-short password raises ``ValueError``.
    """
    invite_row = check(token)
    person = session.get(Person, invite_row.person_id)
    accounts.set_password(person, password)  # ValueError before anything is written
    now = utcnow()
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite_row.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InviteError("used")
    person.name = name.strip() or person.name
    person.status = "active"
    session.commit()
    return person
