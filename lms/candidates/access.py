"""Who may manage which candidate, and under whom they may be hired.

- an admin manages every candidate;
- a manager manages "their own hires": candidates they invited, or whose ``manager_id``
  is them, and may hire only into their own reporting tree (themself or someone in it).

Every write checks these again, so a view cannot forget them.
"""

from __future__ import annotations

from sqlalchemy import exists, false, or_, select

from lms.accounts.models import Invite, Person
from lms.accounts.tree import in_tree, report_ids
from lms.db import session


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
