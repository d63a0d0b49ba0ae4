"""Host mode: turning the host's signed-in user into an LMS person, safely.

The host's ``identity`` hook says who the user is (:class:`Identity`). The person is found
by the stable ``external_id`` first and by e-mail second (people imported by CSV before
their first visit are linked then), created on the first visit, and refreshed when the
host's name, e-mail, role, department or manager changed (``LMS_SYNC_PROFILE``).

Every write happens in its own short transaction on its own connection, with
insert-on-conflict, so twenty simultaneous first visits make one person and a failure can
never leave the host's shared session in a failed transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.accounts.emails import check_email
from lms.accounts.hierarchy import ManagerLoop, check_managers
from lms.accounts.models import ROLES, Person
from lms.db import utcnow
from lms.domain.text import search_key

log = logging.getLogger(__name__)

PROFILE_FIELDS = ("email", "name", "role", "department", "manager_id")


@dataclass(frozen=True)
class Identity:
    """Who the host's user is, as the LMS needs it.

    ``external_id`` is the host's stable user id. ``role``, ``department`` and the manager
    (``manager_external_id`` or ``manager_email``) are optional: ``None`` leaves what the
    LMS has (a role set by an LMS admin, say); a new person without a role is an employee.
    """

    external_id: str
    email: str
    name: str
    role: str | None = None
    department: str | None = None
    manager_external_id: str | None = None
    manager_email: str | None = None


def default_identity(user: Any) -> Identity | None:
    """The identity of a typical Flask-Login user: ``get_id()``, ``email``, ``name``."""
    email = getattr(user, "email", None)
    if not email:
        return None
    name = getattr(user, "name", None) or getattr(user, "username", None) or email
    return Identity(external_id=str(user.get_id()), email=email, name=str(name))


class ProvisioningRefused(Exception):
    """The host's user cannot be an LMS person; the message says why (for the log)."""


def person_for_identity(identity: Identity, session) -> Person:
    """The person for ``identity``, created or refreshed as needed, in ``session``."""
    email = check_email(identity.email)
    if identity.role is not None and identity.role not in ROLES:
        raise ProvisioningRefused(f"unknown role {identity.role!r} from the host")
    person = session.scalar(select(Person).where(Person.external_id == identity.external_id))
    if person is not None and not _wants_refresh(person, identity, email, session):
        return person
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.begin() as conn:
        person_id = _find_or_create(conn, identity, email)
        if current_app.config["LMS_SYNC_PROFILE"]:
            _refresh(conn, person_id, identity, email)
    return session.get(Person, person_id, populate_existing=True)


def _manager_id(conn, identity: Identity) -> int | None:
    if identity.manager_external_id:
        return conn.scalar(
            select(Person.id).where(Person.external_id == identity.manager_external_id)
        )
    if identity.manager_email:
        return conn.scalar(
            select(Person.id).where(Person.email == identity.manager_email.strip().lower())
        )
    return None


def _wanted(conn_or_session, identity: Identity, email: str) -> dict[str, Any]:
    wanted: dict[str, Any] = {"email": email, "name": identity.name.strip() or email}
    if identity.role is not None:
        wanted["role"] = identity.role
    if identity.department is not None:
        wanted["department"] = identity.department.strip() or None
    if identity.manager_external_id or identity.manager_email:
        wanted["manager_id"] = _manager_id(conn_or_session, identity)
    return wanted


def _wants_refresh(person: Person, identity: Identity, email: str, session) -> bool:
    if not current_app.config["LMS_SYNC_PROFILE"]:
        return False
    wanted = _wanted(session, identity, email)
    return any(getattr(person, key) != value for key, value in wanted.items())


def _insert_ignoring_conflicts(conn, values: dict[str, Any]) -> None:
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    conn.execute(insert(Person).values(**values).on_conflict_do_nothing())


def _find_or_create(conn, identity: Identity, email: str) -> int:
    """The id of the person linked to ``identity``: linked, claimed by e-mail, or new."""
    for _attempt in range(3):
        row = conn.execute(
            select(Person.id, Person.external_id)
            .where(or_(Person.external_id == identity.external_id, Person.email == email))
            .order_by((Person.external_id == identity.external_id).desc())
        ).first()
        if row is not None and row.external_id == identity.external_id:
            return row.id
        if row is not None:
            if row.external_id is not None:
                raise ProvisioningRefused(
                    f"{email} belongs to another host user ({row.external_id!r}, not "
                    f"{identity.external_id!r})"
                )
            # Imported before the first visit: link it (once, whoever gets there first).
            conn.execute(
                update(Person)
                .where(Person.id == row.id, Person.external_id.is_(None))
                .values(external_id=identity.external_id, updated_at=utcnow())
            )
            continue
        now = utcnow()
        _insert_ignoring_conflicts(
            conn,
            {
                "email": email,
                "name": identity.name.strip() or email,
                "search_name": search_key(identity.name.strip() or email, email),
                "role": identity.role or "employee",
                "status": "active",
                "external_id": identity.external_id,
                "created_at": now,
                "updated_at": now,
            },
        )
    raise ProvisioningRefused(f"could not link or create a person for {email}")


def _refresh(conn, person_id: int, identity: Identity, email: str) -> None:
    wanted = _wanted(conn, identity, email)
    current = (
        conn.execute(
            select(*(getattr(Person, f) for f in PROFILE_FIELDS)).where(Person.id == person_id)
        )
        .one()
        ._asdict()
    )
    if "manager_id" in wanted and wanted["manager_id"] != current["manager_id"]:
        try:
            check_managers({person_id: wanted["manager_id"]}, db=conn)
        except ManagerLoop as exc:
            log.warning("host user %s: manager not changed, %s", identity.external_id, exc)
            wanted.pop("manager_id")
    if "email" in wanted and wanted["email"] != current["email"]:
        taken = conn.scalar(
            select(Person.id).where(Person.email == wanted["email"], Person.id != person_id)
        )
        if taken is not None:
            log.warning(
                "host user %s changed e-mail to %s, which another person has; kept %s",
                identity.external_id,
                wanted["email"],
                current["email"],
            )
            wanted.pop("email")
    changes = {k: v for k, v in wanted.items() if current[k] != v}
    if "name" in changes or "email" in changes:
        changes["search_name"] = search_key(
            wanted.get("name", current["name"]), wanted.get("email", current["email"])
        )
    if changes:
        conn.execute(
            update(Person).where(Person.id == person_id).values(**changes, updated_at=utcnow())
        )
