"""Whom an assignment reaches: the people picked, a department or a manager's whole tree,
limited to the people the one assigning may assign (admins: everyone; managers: their
reporting tree). The assign page and its confirm step both ask this, so Confirm always
acts on the target as it is then, not as it was when the page was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.accounts.models import Person
from lms.accounts.tree import report_ids
from lms.db import session
from lms.domain.text import translatable

TARGETS = ("person", "department", "tree")
#: People an assignment can reach (never erased, never inactive through the pages).
REACHABLE = ("active", "invited")


class TargetProblem(ValueError):
    """The target is incomplete; ``field`` names the form field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class OutsideTree(LookupError):
    """A manager named a manager outside their own tree (the page answers 404)."""


@dataclass(frozen=True)
class Target:
    """What the form asked for: ``kind`` is one of ``TARGETS``; one of the others is set."""

    kind: str
    person_id: int | None = None
    person_ids: tuple[int, ...] = ()  # kind "person": the people picked (with ``person_id``)
    department: str | None = None
    manager_id: int | None = None


def assignable_people(viewer: Person) -> list[Person]:
    """Everyone ``viewer`` may assign a course to, by name."""
    stmt = select(Person).where(Person.status.in_(REACHABLE)).order_by(Person.name, Person.id)
    if viewer.role != "admin":
        stmt = stmt.where(Person.id.in_(report_ids(viewer.id)))
    return list(session.scalars(stmt))


def people_reached(viewer: Person, target: Target) -> list[int]:
    """The ids ``target`` reaches that ``viewer`` may assign, in a stable order.

    Raises ``TargetProblem`` when the target's own field is empty and ``OutsideTree``
    when a manager names a manager they do not manage.
    """
    allowed = None if viewer.role == "admin" else report_ids(viewer.id)
    live = Person.status.in_(REACHABLE)
    if target.kind == "person":
        picked = set(target.person_ids) | (
            {target.person_id} if target.person_id is not None else set()
        )
        if not picked:
            raise TargetProblem("person", translatable("Choose at least one person."))
        if allowed is not None and not picked <= allowed:
            raise TargetProblem(
                "person", translatable("Choose only people in your reporting tree.")
            )
        ids = list(
            session.scalars(
                select(Person.id).where(Person.id.in_(picked), live).order_by(Person.id)
            )
        )
    elif target.kind == "department":
        if not target.department:
            raise TargetProblem("department", translatable("Choose a department."))
        ids = list(
            session.scalars(
                select(Person.id)
                .where(Person.department == target.department, live)
                .order_by(Person.id)
            )
        )
    elif target.kind == "tree":
        if target.manager_id is None:
            raise TargetProblem("manager", translatable("Choose a manager."))
        if (
            allowed is not None
            and target.manager_id != viewer.id
            and target.manager_id not in allowed
        ):
            raise OutsideTree(target.manager_id)
        tree = report_ids(target.manager_id)
        ids = (
            sorted(session.scalars(select(Person.id).where(Person.id.in_(tree), live)))
            if tree
            else []
        )
    else:
        raise TargetProblem("target", "Choose whom to assign the course to.")
    if allowed is not None:
        ids = [i for i in ids if i in allowed]
    return ids
