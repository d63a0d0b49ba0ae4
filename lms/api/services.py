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

from sqlalchemy import and_, or_, select

from lms.accounts.models import Person
from lms.accounts.services import find_by_email, normalise_email
from lms.api import schemas
from lms.api.errors import Invalid
from lms.api.paging import paginate
from lms.api.people import create_person, people, person, require_person, update_person
from lms.audit.services import ApiActor
from lms.certification import acknowledgements, assignments
from lms.certification import services as certification
from lms.certification.models import CertificationPeriod
from lms.courses.models import Course, CourseVersion
from lms.courses.services import newest_numbers
from lms.db import session
from lms.domain import certification as rules
from lms.reports import queries
from lms.reports.queries import Filters, Scope

__all__ = [
    "assign",
    "certifications",
    "completions",
    "course_by_slug",
    "courses",
    "create_person",
    "exists",
    "people",
    "person",
    "require_person",
    "resolve_people",
    "update_person",
]


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
    newest = newest_numbers()
    stmt = (
        select(Course.id, Course.slug, CourseVersion.title, CourseVersion.number)
        .outerjoin(newest, newest.c.course_id == Course.id)
        .outerjoin(
            CourseVersion,
            and_(CourseVersion.course_id == Course.id, CourseVersion.number == newest.c.n),
        )
        .order_by(Course.id)
    )
    rows, page = paginate(stmt, query)
    data = [
        schemas.Course(id=r.id, slug=r.slug, title=r.title or r.slug, version=r.number or 0)
        for r in rows
    ]
    return schemas.CourseList(data=data, **page)


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
    stmt = queries.person_rows(table, today, filters, Person.id).order_by(Person.id, table.c.slug)
    rows, page = paginate(stmt, query)
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
    rows, page = paginate(stmt, query)
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
