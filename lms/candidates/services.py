"""Candidates before hire: invitations, accepting them, hiring and erasure.

Who may do what is decided here (``may_manage``, ``eligible_managers``) and checked again
by every write, so a view cannot forget it:

- an admin manages every candidate;
- a manager manages "their own hires": candidates they invited, or whose ``manager_id``
  is them, and may hire only into their own reporting tree (themself or someone in it).

An invitation link carries a token signed with the app's secret key (itsdangerous, salt
``lms-invite``); the database keeps only its SHA-256, so a leaked database does not leak
usable links. ``used_at`` makes a link single-use, and ``expires_at`` (and the signature's
own age) make it expire after ``LMS_INVITE_MAX_AGE_DAYS`` days.

The invitation e-mail (templates ``lms/email/candidate_invite.*``) is queued in the outbox
in the same transaction as the invitation, and delivered by ``flask lms send-mail``. Until
then its link is in the outbox row; the delivered row keeps no payload.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, exists, false, or_, select, update
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts import services as accounts
from lms.accounts.emails import check_email
from lms.accounts.hierarchy import ManagerLoop, set_manager
from lms.accounts.models import Invite, Person
from lms.accounts.tree import in_tree, report_ids
from lms.audit.services import record
from lms.certification import services as certification
from lms.certification.models import Assignment, CertificationPeriod
from lms.db import session, utcnow
from lms.outbox import forget_person
from lms.outbox.mail import queue_mail
from lms.web.urls import absolute_url

INVITE_SALT = "lms-invite"
ERASED_NAME = "Erased candidate"
INVITE_ERRORS = ("invalid", "expired", "used")


class InviteError(Exception):
    """An invitation link that cannot be used; ``reason`` is invalid, expired or used."""

    def __init__(self, reason: str):
        if reason not in INVITE_ERRORS:
            raise ValueError(f"unknown invite error {reason!r}")
        super().__init__(reason)
        self.reason = reason


class CandidateError(ValueError):
    """A request the rules refuse (duplicate e-mail, not a candidate, not allowed...)."""


class AlreadyExists(CandidateError):
    """The e-mail address belongs to someone who cannot be (re-)invited by this person."""


# --- who may ----------------------------------------------------------------------------


def invited_by(person_id: int):
    """SQL condition: ``Person`` has an invitation created by ``person_id``."""
    return exists().where(Invite.person_id == Person.id, Invite.created_by_id == person_id)


def candidates_query(viewer: Person):
    """The candidates ``viewer`` manages (not erased), newest first; nothing for others."""
    stmt = (
        select(Person)
        .where(Person.role == "candidate", Person.status != "erased")
        .order_by(Person.created_at.desc(), Person.id.desc())
    )
    if viewer.role == "admin":
        return stmt
    if viewer.role == "manager":
        return stmt.where(or_(Person.manager_id == viewer.id, invited_by(viewer.id)))
    return stmt.where(false())


def may_manage(viewer: Person, candidate: Person) -> bool:
    """Admins: every candidate. Managers: the candidates they invited or who are theirs."""
    if candidate.role != "candidate" or candidate.status == "erased":
        return False
    if viewer.role == "admin":
        return True
    if viewer.role != "manager":
        return False
    if candidate.manager_id == viewer.id:
        return True
    return (
        session.scalar(
            select(Invite.id)
            .where(Invite.person_id == candidate.id, Invite.created_by_id == viewer.id)
            .limit(1)
        )
        is not None
    )


def find_candidate(viewer: Person, candidate_id: int) -> Person | None:
    """The candidate with this id if ``viewer`` manages them, else None (a 404, so the
    page does not tell a manager which ids belong to other managers' candidates)."""
    candidate = session.get(Person, candidate_id)
    if candidate is None or not may_manage(viewer, candidate):
        return None
    return candidate


def eligible_managers(viewer: Person) -> list[Person]:
    """Whom ``viewer`` may hire a candidate under: admins any active manager or admin;
    a manager themself and the managers in their reporting tree."""
    stmt = (
        select(Person)
        .where(Person.role.in_(("manager", "admin")), Person.status == "active")
        .order_by(Person.name, Person.id)
    )
    if viewer.role == "admin":
        return list(session.scalars(stmt))
    if viewer.role == "manager":
        ids = report_ids(viewer.id) | {viewer.id}
        return list(session.scalars(stmt.where(Person.id.in_(ids))))
    return []


def default_manager(candidate: Person, viewer: Person, managers: list[Person]) -> int | None:
    """Whom the hire form proposes: the manager the candidate was invited for, else the
    person who invited them, else the viewer when they manage people (never an admin
    by default just because an admin is looking)."""
    eligible = {m.id for m in managers}
    inviter = session.scalar(
        select(Invite.created_by_id)
        .where(Invite.person_id == candidate.id)
        .order_by(Invite.created_at.desc(), Invite.id.desc())
        .limit(1)
    )
    for choice in (candidate.manager_id, inviter):
        if choice in eligible:
            return choice
    if viewer.role == "manager" and viewer.id in eligible:
        return viewer.id
    return managers[0].id if managers else None


def may_hire_into(viewer: Person, manager: Person) -> bool:
    if manager.role not in ("manager", "admin") or manager.status != "active":
        return False
    if viewer.role == "admin":
        return True
    return viewer.role == "manager" and (manager.id == viewer.id or in_tree(viewer.id, manager.id))


# --- tokens -----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=INVITE_SALT)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def max_age() -> timedelta:
    return timedelta(days=float(current_app.config["LMS_INVITE_MAX_AGE_DAYS"]))


# --- inviting ---------------------------------------------------------------------------


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
    if by.role not in ("admin", "manager"):
        raise CandidateError("only admins and managers invite candidates")
    if by.role == "manager":
        manager = manager or by
        if not may_hire_into(by, manager):
            raise CandidateError("a manager invites candidates into their own team only")
    try:
        address = check_email(email)
    except ValueError as exc:
        raise CandidateError(str(exc)) from None
    course_ids = sorted(set(course_ids))
    if not course_ids:
        raise CandidateError("choose at least one onboarding course")
    _check_courses(course_ids)

    state = current_app.extensions["lms"]
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
        _expire_unused_invites(person.id)

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


def _check_courses(course_ids: list[int]) -> None:
    from lms.courses.models import Course

    found = set(session.scalars(select(Course.id).where(Course.id.in_(course_ids))))
    if found != set(course_ids):
        raise CandidateError("unknown course")


def _expire_unused_invites(person_id: int) -> None:
    now = utcnow()
    session.execute(
        update(Invite)
        .where(Invite.person_id == person_id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


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
    token = _serializer().dumps({"invite": row.id, "nonce": secrets.token_urlsafe(16)})
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


# --- accepting --------------------------------------------------------------------------


def check(token: str) -> Invite:
    """The usable invite behind ``token``; raises ``InviteError`` otherwise. Changes nothing."""
    expired = False
    try:
        payload = _serializer().loads(token, max_age=max_age().total_seconds())
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
        return _serializer().load_payload(exc.payload) if exc.payload is not None else None
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


# --- hiring and erasing -----------------------------------------------------------------


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
    _expire_unused_invites(candidate.id)
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


def pending_invite(person_id: int) -> Invite | None:
    """The candidate's newest invitation, for the list page (used, pending or expired)."""
    return session.scalar(
        select(Invite)
        .where(Invite.person_id == person_id)
        .order_by(Invite.created_at.desc(), Invite.id.desc())
        .limit(1)
    )
