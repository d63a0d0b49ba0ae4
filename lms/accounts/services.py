"""Writes about people: creating, authenticating, passwords.

The audited CSV import of people is ``lms.people.services`` (above ``lms.audit``).

Views and CLI commands call these; they never touch the session themselves.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import signals
from lms.accounts.emails import check_email, normalise_email
from lms.accounts.models import ROLES, Person
from lms.db import session

# Checked when no account matches, so a wrong e-mail costs the same time as a wrong
# password and response times do not reveal which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


def find_by_email(email: str) -> Person | None:
    """The person with this e-mail address, whatever its case."""
    return session.scalar(select(Person).where(Person.email == normalise_email(email)))


def authenticate(email: str, password: str) -> Person | None:
    """The active person with these credentials, or None (for any reason at all)."""
    person = find_by_email(email)
    if person is None or not person.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(person.password_hash, password or ""):
        return None
    return person if person.is_active else None


def set_password(person: Person, password: str) -> None:
    """Hash and store a password (werkzeug; scrypt unless ``LMS_PASSWORD_HASH_METHOD`` says)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    person.password_hash = generate_password_hash(
        password, method=current_app.config["LMS_PASSWORD_HASH_METHOD"]
    )


class DuplicateEmail(ValueError):
    """Another person already has this e-mail address."""


def create_person(
    *,
    email: str,
    name: str,
    role: str = "employee",
    password: str | None = None,
    manager: Person | None = None,
    department: str | None = None,
    status: str = "active",
    external_id: str | None = None,
    commit: bool = True,
) -> Person:
    """Create a person; raises ValueError on an invalid role or e-mail, or a duplicate."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    address = check_email(email)
    if find_by_email(address) is not None:
        raise DuplicateEmail(f"a person with e-mail {address} already exists")
    person = Person(
        email=address,
        name=name.strip() or address,
        role=role,
        manager=manager,
        department=(department or None),
        status=status,
        external_id=external_id,
    )
    if password:
        set_password(person, password)
    session.add(person)
    if commit:
        session.commit()
        signals.person_created.send(current_app._get_current_object(), person=person)
    return person
