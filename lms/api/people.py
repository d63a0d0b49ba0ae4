"""The API's people: reading them (paged in SQL), creating and changing them, each
write audited as done by the request's token in the same transaction."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts import services as accounts
from lms.accounts.hierarchy import ManagerLoop, set_manager
from lms.accounts.models import Person
from lms.accounts.services import find_by_email, normalise_email
from lms.api import schemas
from lms.api.errors import ApiError, Conflict, Invalid, NotFound, summary
from lms.api.paging import paginate
from lms.audit.services import ApiActor, record
from lms.db import MAX_ID, session


def _conflict(fields: dict[str, str]) -> Conflict:
    return Conflict(summary(fields), fields=fields)


def _person_record(person: Person, manager_email: str | None = None) -> schemas.Person:
    if manager_email is None and person.manager_id is not None:
        manager_email = session.scalar(select(Person.email).where(Person.id == person.manager_id))
    return schemas.Person(
        id=person.id,
        email=person.email,
        name=person.name,
        role=person.role,
        status=person.status,
        department=person.department,
        manager_id=person.manager_id,
        manager_email=manager_email,
    )


def _load_person(person_id: int) -> Person:
    person = session.get(Person, person_id) if person_id <= MAX_ID else None
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def require_person(person_id: int) -> None:
    """Raise the 404 unless there is a person with this id."""
    _load_person(person_id)


def person(person_id: int) -> schemas.Person:
    """One person, or a 404."""
    return _person_record(_load_person(person_id))


def people(query: schemas.PeopleQuery) -> schemas.PersonList:
    manager = Person.__table__.alias("manager")
    stmt = (
        select(Person, manager.c.email.label("manager_email"))
        .outerjoin(manager, manager.c.id == Person.manager_id)
        .order_by(Person.id)
    )
    if query.department:
        stmt = stmt.where(Person.department == query.department)
    if query.role:
        stmt = stmt.where(Person.role == query.role)
    if query.email:
        stmt = stmt.where(Person.email == normalise_email(query.email))
    if query.status:
        stmt = stmt.where(Person.status == query.status)
    rows, page = paginate(stmt, query)
    return schemas.PersonList(data=[_person_record(r[0], r.manager_email) for r in rows], **page)


def _manager(email: str) -> Person:
    manager = find_by_email(email)
    if manager is None or manager.status == "erased":
        raise Invalid({"manager_email": "no person with this e-mail address"})
    return manager


_DUPLICATE = {"email": "a person with this e-mail address already exists"}


def create_person(body: schemas.PersonCreate, actor: ApiActor) -> schemas.Person:
    """Create a person (no password: they sign in through the host or an invite)."""
    address = normalise_email(body.email)
    manager = _manager(body.manager_email) if body.manager_email else None
    if find_by_email(address) is not None:
        raise _conflict(_DUPLICATE)
    try:
        person = accounts.create_person(
            email=address,
            name=body.name,
            role=body.role,
            department=body.department,
            manager=manager,
            commit=False,
        )
        session.flush()
        record(
            "create_person",
            actor=actor,
            target_type="person",
            target_id=person.id,
            email=person.email,
            role=person.role,
        )
        session.commit()
    except (IntegrityError, accounts.DuplicateEmail):  # created concurrently since the check
        session.rollback()
        raise _conflict(_DUPLICATE) from None
    except ValueError as exc:  # the accounts service's own checks (e-mail syntax, role)
        session.rollback()
        raise Invalid({"email": str(exc)}) from None
    signals.person_created.send(current_app._get_current_object(), person=person)
    return _person_record(person)


def update_person(person_id: int, changes: dict[str, Any], actor: ApiActor) -> schemas.Person:
    """Apply ``changes`` (name, role, department, manager_email, status); audit what changed.

    Nothing is written when any change is refused.
    """
    person = _load_person(person_id)
    try:
        return _update(person, changes, actor)
    except ApiError:
        session.rollback()
        raise


def _update(person: Person, changes: dict[str, Any], actor: ApiActor) -> schemas.Person:
    if person.status == "erased":
        raise _conflict({"status": "this person's record was erased and cannot be changed"})
    before = _person_record(person).model_dump()
    if "manager_email" in changes:
        if changes["manager_email"] is None:
            person.manager_id = None
        else:
            manager = _manager(changes["manager_email"])
            if manager.id == person.id:
                raise Invalid({"manager_email": "a person cannot be their own manager"})
            try:
                set_manager(person, manager)
            except ManagerLoop as exc:
                raise Invalid({"manager_email": str(exc)}) from None
    for key in ("name", "role", "department", "status"):
        if key in changes:
            setattr(person, key, changes[key])
    session.flush()
    after = _person_record(person)
    now = after.model_dump()
    diff = {k: [before[k], now[k]] for k in now if before[k] != now[k] and k != "manager_id"}
    if diff:
        record(
            "update_person", actor=actor, target_type="person", target_id=person.id, changes=diff
        )
    session.commit()
    return after
