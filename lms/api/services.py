"""What the API reads and writes. Views validate input and call these; these run the
queries (paginated in SQL) and the writes (with their audit events, in one transaction).

Completions reuse the report queries (``lms.reports.queries``): the same status table,
the same scopes and the same filters, so the API and the reports always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts.hierarchy import ManagerLoop, set_manager
from lms.accounts.models import Person
from lms.accounts.services import find_by_email, normalise_email
from lms.audit.services import record
from lms.certification import services as certification
from lms.certification.models import CertificationPeriod
from lms.courses.models import Course, CourseVersion
from lms.db import session
from lms.domain import certification as rules
from lms.reports import queries
from lms.reports.queries import Filters, Scope


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    def envelope(self) -> dict[str, Any]:
        return {"data": self.data, "page": self.page, "per_page": self.per_page, "total": self.total}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _paginate(stmt: Select, page: int, per_page: int) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(session.execute(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def _audit(action: str, **kwargs: Any) -> None:
    """An audit event with no person as actor; ``auth`` names the request's token in it."""
    record(action, actor=None, **kwargs)


# --- courses ----------------------------------------------------------------------------

def course_by_slug(slug: str) -> Course | None:
    return session.scalar(select(Course).where(Course.slug == slug))


def courses(page: int, per_page: int) -> Page:
    newest = (select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
              .group_by(CourseVersion.course_id).subquery())
    stmt = (select(Course.id, Course.slug, CourseVersion.title, CourseVersion.number)
            .outerjoin(newest, newest.c.course_id == Course.id)
            .outerjoin(CourseVersion, and_(CourseVersion.course_id == Course.id,
                                           CourseVersion.number == newest.c.n))
            .order_by(Course.id))
    rows, total = _paginate(stmt, page, per_page)
    data = [{"id": r.id, "slug": r.slug, "title": r.title or r.slug, "version": r.number or 0} for r in rows]
    return Page(data, page, per_page, total)


# --- people -----------------------------------------------------------------------------

def person_json(person: Person, manager_email: str | None = None) -> dict[str, Any]:
    if manager_email is None and person.manager_id is not None:
        manager_email = session.scalar(select(Person.email).where(Person.id == person.manager_id))
    return {
        "id": person.id,
        "email": person.email,
        "name": person.name,
        "role": person.role,
        "status": person.status,
        "department": person.department,
        "manager_id": person.manager_id,
        "manager_email": manager_email,
    }


def people(page: int, per_page: int, *, department: str | None = None, role: str | None = None,
           email: str | None = None, status: str | None = None) -> Page:
    manager = Person.__table__.alias("manager")
    stmt = (select(Person, manager.c.email.label("manager_email"))
            .outerjoin(manager, manager.c.id == Person.manager_id).order_by(Person.id))
    if department:
        stmt = stmt.where(Person.department == department)
    if role:
        stmt = stmt.where(Person.role == role)
    if email:
        stmt = stmt.where(Person.email == normalise_email(email))
    if status:
        stmt = stmt.where(Person.status == status)
    rows, total = _paginate(stmt, page, per_page)
    return Page([person_json(r[0], r.manager_email) for r in rows], page, per_page, total)


class PersonProblem(ValueError):
    """A person cannot be written as asked; ``fields`` says why, ``conflict`` means 409."""

    def __init__(self, fields: dict[str, str], *, conflict: bool = False):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
        self.conflict = conflict


def _manager(email: str) -> Person:
    manager = find_by_email(email)
    if manager is None or manager.status == "erased":
        raise PersonProblem({"manager_email": "no person with this e-mail address"})
    return manager


def create_person(*, email: str, name: str, role: str, department: str | None,
                  manager_email: str | None) -> Person:
    """Create a person (no password: they sign in through the host or an invite)."""
    from lms.accounts import services as accounts

    address = normalise_email(email)
    manager = _manager(manager_email) if manager_email else None
    if find_by_email(address) is not None:
        raise PersonProblem({"email": "a person with this e-mail address already exists"}, conflict=True)
    try:
        person = accounts.create_person(email=address, name=name, role=role, department=department,
                                        manager=manager, commit=False)
        session.flush()
        _audit("create_person", target_type="person", target_id=person.id, email=person.email,
               role=person.role)
        session.commit()
    except (IntegrityError, accounts.DuplicateEmail):  # created concurrently since the check
        session.rollback()
        raise PersonProblem({"email": "a person with this e-mail address already exists"},
                            conflict=True) from None
    except ValueError as exc:  # the accounts service's own checks (e-mail syntax, role)
        session.rollback()
        raise PersonProblem({"email": str(exc)}) from None
    signals.person_created.send(current_app._get_current_object(), person=person)
    return person


def update_person(person: Person, changes: dict[str, Any]) -> Person:
    """Apply ``changes`` (name, role, department, manager_email, status); audit what changed."""
    if person.status == "erased":
        raise PersonProblem({"status": "this person's record was erased and cannot be changed"},
                            conflict=True)
    before = person_json(person)
    if "manager_email" in changes:
        if changes["manager_email"] is None:
            person.manager_id = None
        else:
            manager = _manager(changes["manager_email"])
            if manager.id == person.id:
                raise PersonProblem({"manager_email": "a person cannot be their own manager"})
            try:
                set_manager(person, manager)
            except ManagerLoop as exc:
                session.rollback()
                raise PersonProblem({"manager_email": str(exc)}) from None
    for key in ("name", "role", "department", "status"):
        if key in changes:
            setattr(person, key, changes[key])
    session.flush()
    after = person_json(person)
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k] and k != "manager_id"}
    if diff:
        _audit("update_person", target_type="person", target_id=person.id, changes=diff)
    session.commit()
    return person


# --- completions (the report's status table) --------------------------------------------

def completions(scope: Scope, today: date, filters: Filters, page: int, per_page: int) -> Page:
    """One row per (person in scope, course), as the reports compute it, paged in SQL."""
    table = queries.status_table(scope, today, filters)
    manager = Person.__table__.alias("manager")
    stmt = (
        select(Person.id, Person.email, Person.name, Person.department, manager.c.email.label("manager_email"),
               table.c.slug, table.c.status, table.c.due_on, table.c.certified_on, table.c.valid_until)
        .join(table, table.c.person_id == Person.id)
        .outerjoin(manager, manager.c.id == Person.manager_id)
        .where(*queries.filter_conditions(table, today, filters))  # the reports' own status/within_days filter
        .order_by(Person.id, table.c.slug)
    )
    rows, total = _paginate(stmt, page, per_page)
    data = [{
        "person_id": r.id, "email": r.email, "name": r.name, "department": r.department,
        "manager_email": r.manager_email, "course": r.slug, "status": r.status,
        "due_on": _iso(r.due_on), "certified_on": _iso(r.certified_on), "valid_until": _iso(r.valid_until),
    } for r in rows]
    return Page(data, page, per_page, total)


# --- certification periods --------------------------------------------------------------

def certifications(today: date, page: int, per_page: int, *, course_id: int | None = None,
                   person_email: str | None = None, valid_on: date | None = None) -> Page:
    cp = CertificationPeriod
    stmt = (select(cp, Person.email, Course.slug, CourseVersion.number)
            .join(Person, Person.id == cp.person_id)
            .join(Course, Course.id == cp.course_id)
            .join(CourseVersion, CourseVersion.id == cp.version_id)
            .order_by(cp.id))
    if course_id is not None:
        stmt = stmt.where(cp.course_id == course_id)
    if person_email:
        stmt = stmt.where(Person.email == normalise_email(person_email))
    if valid_on is not None:
        stmt = stmt.where(cp.certified_on <= valid_on, cp.valid_until >= valid_on,
                          or_(cp.revoked_on.is_(None), cp.revoked_on > valid_on))
    rows, total = _paginate(stmt, page, per_page)
    data = []
    for period, email, slug, number in rows:
        data.append({
            "id": period.id, "person_id": period.person_id, "email": email, "course": slug,
            "version": number, "sequence": period.sequence, "kind": period.kind,
            "certified_on": _iso(period.certified_on), "valid_until": _iso(period.valid_until),
            "window_opens_on": _iso(period.window_opens_on), "revoked_on": _iso(period.revoked_on),
            "code": period.code,
            "status": rules.status_on(today, [certification.period_facts(period)], None),
        })
    return Page(data, page, per_page, total)


# --- assignments ------------------------------------------------------------------------

def resolve_people(refs: list[int | str]) -> tuple[list[int], list[str]]:
    """Person ids for ids or e-mails (in order, without duplicates), and the unknown refs."""
    ids = {r for r in refs if isinstance(r, int)}
    emails = {normalise_email(r) for r in refs if isinstance(r, str)}
    live = Person.status != "erased"
    by_id = set(session.scalars(select(Person.id).where(Person.id.in_(ids), live))) if ids else set()
    by_email = (dict(session.execute(select(Person.email, Person.id).where(Person.email.in_(emails), live)).all())
                if emails else {})
    found: list[int] = []
    unknown: list[str] = []
    for ref in refs:
        pid = (ref if ref in by_id else None) if isinstance(ref, int) else by_email.get(normalise_email(ref))
        if pid is None:
            unknown.append(str(ref))
        elif pid not in found:
            found.append(pid)
    return found, unknown


def assign(course: Course, person_ids: list[int], *, reason: str, due_on: date | None,
           reassign: bool = False) -> dict[str, Any]:
    """Assign with the same rules as the assign page; what happened, person by person.

    People with an open assignment keep it and its due date, certified people are
    skipped unless ``reassign``; the certification service records the ``assign`` event.
    """
    from lms.certification import assignments

    plan = assignments.plan(course.id, person_ids, reason=reason, due_on=due_on, reassign=reassign)
    result = assignments.carry_out(plan, by=None)
    return {
        "count": result.assigned,
        "summary": result.counts,
        "results": [{"person_id": pid, "outcome": result.outcomes[pid],
                     "due_on": _iso(result.due_dates.get(pid))} for pid in person_ids if pid in result.outcomes],
    }
