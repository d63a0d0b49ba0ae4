"""Importing people from a CSV file, audited (``flask lms import-people``).

Above ``lms.audit``: the import records one ``import_people`` event in its transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from lms import signals
from lms.accounts.emails import check_email, normalise_email
from lms.accounts.hierarchy import ManagerLoop, check_managers
from lms.accounts.models import ROLES, Person
from lms.audit import services as audit
from lms.db import session

IMPORT_COLUMNS = ("email", "name", "role", "manager_email", "department")


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    name: str
    role: str
    manager_email: str
    department: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class ImportError_(ValueError):
    """The file has problems; ``problems`` holds every ``line N: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_people_csv(text: str) -> list[ImportRow]:
    """Read and validate every row first; raise ImportError_ listing all problems.

    Managers may be other rows of the same file or people already in the database.
    A manager chain that loops (a manages b manages a) is refused.
    """
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise ImportError_([f"line 1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        values = {k: (record.get(k) or "").strip() for k in IMPORT_COLUMNS}
        email = normalise_email(values["email"])
        role = values["role"].lower() or "employee"
        if not email:
            problems.append(f"line {line}: email is empty")
        else:
            try:
                check_email(email)
            except ValueError:
                problems.append(f"line {line}: invalid email {values['email']!r}")
        if email in seen:
            problems.append(f"line {line}: {email} already appears on line {seen[email]}")
        seen.setdefault(email, line)
        if not values["name"]:
            problems.append(f"line {line}: name is empty")
        if role not in ROLES:
            problems.append(
                f"line {line}: unknown role {values['role']!r} (expected {', '.join(ROLES)})"
            )
        manager_email = normalise_email(values["manager_email"])
        if manager_email and manager_email == email:
            problems.append(f"line {line}: a person cannot be their own manager")
        rows.append(
            ImportRow(line, email, values["name"], role, manager_email, values["department"])
        )
    if not rows and not problems:
        problems.append("line 2: the file has no rows")

    known = {r.email for r in rows}
    unresolved = {r.manager_email for r in rows if r.manager_email and r.manager_email not in known}
    existing = set()
    if unresolved:
        existing = set(session.scalars(select(Person.email).where(Person.email.in_(unresolved))))
    for r in rows:
        if r.manager_email and r.manager_email not in known and r.manager_email not in existing:
            problems.append(
                f"line {r.line}: manager {r.manager_email} is neither in the file nor in the LMS"
            )
    problems.extend(_manager_cycles(rows))
    if problems:
        raise ImportError_(problems)
    return rows


def _manager_cycles(rows: Iterable[ImportRow]) -> list[str]:
    manager_of = {r.email: r.manager_email for r in rows if r.manager_email}
    line_of = {r.email: r.line for r in rows}
    problems = []
    reported: set[str] = set()
    for start in manager_of:
        chain, current = [], start
        while current in manager_of and current not in chain:
            chain.append(current)
            current = manager_of[current]
        if current in chain and current not in reported:
            loop = chain[chain.index(current) :]
            reported.update(loop)
            problems.append(
                f"line {line_of[current]}: manager chain loops: {' -> '.join(loop + [current])}"
            )
    return problems


def _refuse_manager_loops(rows: list[ImportRow], by_email: dict[str, Person]) -> None:
    """The file's manager changes, checked with the chains already in the database."""
    changes = {
        by_email[r.email].id: (by_email[r.manager_email].id if r.manager_email else None)
        for r in rows
    }
    try:
        check_managers(changes)
    except ManagerLoop as exc:
        session.rollback()
        line = next((r.line for r in rows if r.email in exc.chain), 2)
        raise ImportError_([f"line {line}: {exc}"]) from None


def import_people(text: str) -> ImportResult:
    """Validate the whole CSV, then create or update every row in one transaction.

    Re-importing the same file changes nothing; a changed row updates the person (matched
    by e-mail), never duplicates them. Passwords are never set by an import.
    """
    rows = parse_people_csv(text)
    emails = {r.email for r in rows} | {r.manager_email for r in rows if r.manager_email}
    by_email = {p.email: p for p in session.scalars(select(Person).where(Person.email.in_(emails)))}
    new_people = []
    for r in rows:  # first pass: everyone exists, so managers in the file can be referenced
        if r.email not in by_email:
            person = Person(email=r.email, name=r.name, role=r.role, status="active")
            session.add(person)
            by_email[r.email] = person
            new_people.append(person)
    session.flush()
    _refuse_manager_loops(rows, by_email)
    updated = 0
    for r in rows:
        person = by_email[r.email]
        manager_id = by_email[r.manager_email].id if r.manager_email else None
        wanted = (r.name, r.role, r.department or None, manager_id)
        if (person.name, person.role, person.department, person.manager_id) != wanted:
            person.name, person.role, person.department, person.manager_id = wanted
            updated += person not in new_people
    unchanged = len(rows) - len(new_people) - updated
    audit.record(
        "import_people",
        actor=None,
        created=len(new_people),
        updated=updated,
        unchanged=unchanged,
        person_ids=sorted(p.id for p in new_people)[:1000],
    )
    session.commit()
    app = current_app._get_current_object()
    for person in new_people:
        signals.person_created.send(app, person=person)
    return ImportResult(len(new_people), updated, unchanged)
