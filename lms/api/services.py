"""What the API reads and writes. Views hand over validated request models and get
response models back; these run the queries (paginated in SQL), the checks that need the
database (does that course or manager exist?) and the writes (with their audit events,
in one transaction). Problems are raised as the API's errors (``Invalid``, ``Conflict``,
``NotFound``), so a view never decides a status.

Completions reuse the report queries (``lms.reports.queries``): the same status table,
the same scopes and the same filters, so the API and the reports always agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.accounts import services as accounts
from lms.accounts.hierarchy import ManagerLoop, set_manager
from lms.accounts.models import Person
from lms.accounts.services import find_by_email, normalise_email
from lms.api import schemas
from lms.api.errors import ApiError, Conflict, Invalid, NotFound, summary
from lms.audit.services import ApiActor, record
from lms.certification import acknowledgements, assignments
from lms.certification import services as certification
from lms.certification.models import CertificationPeriod
from lms.courses.models import Course, CourseVersion
from lms.db import MAX_ID, session
from lms.domain import certification as rules
from lms.reports import queries
from lms.reports.queries import Filters, Scope


def _paginate(stmt: Select, query: schemas.PageQuery) -> tuple[list, dict[str, int]]:
    """The rows of the asked page, and the page fields of the answer."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(
        session.execute(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page))
    )
    return rows, {"page": query.page, "per_page": query.per_page, "total": total}


def _conflict(fields: dict[str, str]) -> Conflict:
    return Conflict(summary(fields), fields=fields)


# --- courses ----------------------------------------------------------------------------


def course_by_slug(slug: str) -> Course | None:
    return session.scalar(select(Course).where(Course.slug == slug))


def exists(kind: str, value: str) -> bool:
    """Whether the record a request names exists: ``course`` by slug, ``person`` by e-mail."""
    if kind == "course":
        return course_by_slug(value) is not None
    if kind == "person":
        return find_by_email(value) is not None
    raise ValueError(f"unknown kind of record {kind!r}")


def _require_course(slug: str) -> Course:
    """The course (the contract checked it exists; this covers one removed since)."""
    course = course_by_slug(slug)
    if course is None:
        raise Invalid({"course": schemas.NO_COURSE.format(value=slug)})
    return course


def courses(query: schemas.PageQuery) -> schemas.CourseList:
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    stmt = (
        select(Course.id, Course.slug, CourseVersion.title, CourseVersion.number)
        .outerjoin(newest, newest.c.course_id == Course.id)
        .outerjoin(
            CourseVersion,
            and_(CourseVersion.course_id == Course.id, CourseVersion.number == newest.c.n),
        )
        .order_by(Course.id)
    )
    rows, page = _paginate(stmt, query)
    data = [
        schemas.Course(id=r.id, slug=r.slug, title=r.title or r.slug, version=r.number or 0)
        for r in rows
    ]
    return schemas.CourseList(data=data, **page)


# --- people -----------------------------------------------------------------------------


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
    rows, page = _paginate(stmt, query)
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


# --- completions (the report's status table) --------------------------------------------


def completions(query: schemas.CompletionQuery, today: date) -> schemas.CompletionList:
    """One row per (person in scope, course), as the reports compute it, paged in SQL."""
    scope = Scope()
    if query.manager_email is not None:  # checked to exist by the contract
        manager = find_by_email(query.manager_email)
        if manager is None:  # gone since
            raise Invalid({"manager_email": schemas.NO_PERSON})
        scope = Scope(manager_id=manager.id)
    filters = Filters(
        status=query.status,
        course=query.course,
        department=query.department,
        within_days=query.within_days,
        direct_only=query.direct_only,
        search=query.search,
        page=query.page,
        per_page=query.per_page,
    )
    table = queries.status_table(scope, today, filters)
    manager = Person.__table__.alias("manager")
    stmt = (
        select(
            Person.id,
            Person.email,
            Person.name,
            Person.department,
            manager.c.email.label("manager_email"),
            table.c.slug,
            table.c.status,
            table.c.due_on,
            table.c.certified_on,
            table.c.valid_until,
        )
        .join(table, table.c.person_id == Person.id)
        .outerjoin(manager, manager.c.id == Person.manager_id)
        .where(
            *queries.filter_conditions(table, today, filters)
        )  # the reports' own status/within_days filter
        .order_by(Person.id, table.c.slug)
    )
    rows, page = _paginate(stmt, query)
    signed = acknowledgements.signed_current(sorted({r.email for r in rows}))
    data = [
        schemas.Completion(
            person_id=r.id,
            email=r.email,
            name=r.name,
            department=r.department,
            manager_email=r.manager_email,
            course=r.slug,
            status=r.status,
            due_on=r.due_on,
            certified_on=r.certified_on,
            valid_until=r.valid_until,
            policy_acknowledged_at=signed.get((r.email, r.slug)),
        )
        for r in rows
    ]
    return schemas.CompletionList(data=data, **page)


# --- certification periods --------------------------------------------------------------


def certifications(query: schemas.CertificationQuery, today: date) -> schemas.CertificationList:
    course_id = _require_course(query.course).id if query.course is not None else None
    cp = CertificationPeriod
    stmt = (
        select(cp, Person.email, Course.slug, CourseVersion.number)
        .join(Person, Person.id == cp.person_id)
        .join(Course, Course.id == cp.course_id)
        .join(CourseVersion, CourseVersion.id == cp.version_id)
        .order_by(cp.id)
    )
    if course_id is not None:
        stmt = stmt.where(cp.course_id == course_id)
    if query.email:
        stmt = stmt.where(Person.email == normalise_email(query.email))
    if query.valid_on is not None:
        valid_on = query.valid_on
        stmt = stmt.where(
            cp.certified_on <= valid_on,
            cp.valid_until >= valid_on,
            or_(cp.revoked_on.is_(None), cp.revoked_on > valid_on),
        )
    rows, page = _paginate(stmt, query)
    data = [
        schemas.Certification(
            id=period.id,
            person_id=period.person_id,
            email=email,
            course=slug,
            version=number,
            sequence=period.sequence,
            kind=period.kind,
            certified_on=period.certified_on,
            valid_until=period.valid_until,
            window_opens_on=period.window_opens_on,
            revoked_on=period.revoked_on,
            code=period.code,
            status=rules.status_on(today, [certification.period_facts(period)], None),
        )
        for period, email, slug, number in rows
    ]
    return schemas.CertificationList(data=data, **page)


# --- assignments ------------------------------------------------------------------------


def resolve_people(refs: list[int | str]) -> tuple[list[int], list[str]]:
    """Person ids for ids or e-mails (in order, without duplicates), and the unknown refs."""
    ids = {r for r in refs if isinstance(r, int)}
    emails = {normalise_email(r) for r in refs if isinstance(r, str)}
    live = Person.status != "erased"
    by_id = (
        set(session.scalars(select(Person.id).where(Person.id.in_(ids), live))) if ids else set()
    )
    by_email = (
        dict(
            session.execute(
                select(Person.email, Person.id).where(Person.email.in_(emails), live)
            ).all()
        )
        if emails
        else {}
    )
    found: list[int] = []
    unknown: list[str] = []
    for ref in refs:
        pid = (
            (ref if ref in by_id else None)
            if isinstance(ref, int)
            else by_email.get(normalise_email(ref))
        )
        if pid is None:
            unknown.append(str(ref))
        elif pid not in found:
            found.append(pid)
    return found, unknown


def assign(body: schemas.AssignmentCreate, actor: ApiActor) -> schemas.AssignmentResult:
    """Assign with the same rules as the assign page; what happened, person by person.

    People with an open assignment keep it and its due date, certified people are
    skipped unless ``reassign``; the certification service records the ``assign`` event.
    """
    course = _require_course(body.course)
    person_ids, unknown = resolve_people(body.people)
    if unknown:
        raise Invalid({"people": f"no such person: {', '.join(unknown[:20])}"})
    plan = assignments.plan(
        course.id, person_ids, reason=body.reason, due_on=body.due_on, reassign=body.reassign
    )
    result = assignments.carry_out(plan, by=actor)
    return schemas.AssignmentResult(
        count=result.assigned,
        course=body.course,
        person_ids=person_ids,
        reason=body.reason,
        due_on=body.due_on,
        reassign=body.reassign,
        summary=schemas.AssignmentSummary(**result.counts),
        results=[
            schemas.AssignmentOutcome(
                person_id=pid, outcome=result.outcomes[pid], due_on=result.due_dates.get(pid)
            )
            for pid in person_ids
            if pid in result.outcomes
        ],
    )
