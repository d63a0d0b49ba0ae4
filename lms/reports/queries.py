"""Report queries: status of every (person, course) pair on a date, computed in SQL.

The CASE below mirrors ``lms.domain.certification.status_on`` (a test checks they agree
on every status). Scope is the whole organisation, a department, or a manager's whole
reporting tree (recursive CTE); counts are aggregated by the database, and the matrix
is paginated there too, so a report costs a handful of statements whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import Integer, and_, any_, case, exists, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.sql import Select

from lms.accounts.models import Person
from lms.accounts.tree import tree_cte
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.models import Course, CourseVersion, ModuleProgress
from lms.db import session
from lms.domain.certification import STATUSES
from lms.domain.text import fold
from lms.quizzes.models import Attempt
from lms.reports.dates import date_shown_sql
from lms.scenarios.models import ScenarioRun

SORTS = ("name", "department", "status", "due")


def tune_session(*, timeout_ms: int | None = None) -> None:
    """Per-transaction planner settings for report queries.

    PostgreSQL's row estimates for the people x courses cross join are high, which makes
    it JIT-compile these queries: on a 10,000-person organisation compiling took ~0.9 s
    of a query that runs in 30 ms. ``SET LOCAL`` ends with the transaction, so a host's
    other queries keep its own settings, and so must be run in the transaction of the
    query it is for: a streamed export calls it inside its generator (``export_rows``),
    since the request's transaction may be over before the first row is read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        # The organisation-wide status table sorts and hashes a row per person and
        # course: at 100,000 people the default 4 MB spilled its sorts to disk.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        # One runaway report must not hold a worker: PostgreSQL cancels it (a 503 page).
        # A background export passes its own, longer timeout (``timeout_ms``).
        timeout = int(timeout_ms or current_app.config["LMS_REPORT_TIMEOUT_MS"])
        session.execute(text(f"SET LOCAL statement_timeout = {timeout}"))


@dataclass(frozen=True)
class Scope:
    """Whose rows a report may show: everyone (admin), or a manager's tree."""

    manager_id: int | None = None  # None: the whole organisation
    department: str | None = None

    @property
    def label(self) -> str:
        return "organisation" if self.manager_id is None else "team"


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    course: str | None = None  # course slug
    department: str | None = None
    within_days: int | None = None  # due or expiring within N days
    direct_only: bool = False
    search: str | None = None
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = 50
    extra: dict[str, Any] = field(default_factory=dict)


def latest_courses() -> list[tuple[int, str, str]]:
    """(course id, slug, title of the newest version) for every course."""
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    return list(
        session.execute(
            select(Course.id, Course.slug, CourseVersion.title)
            .join(CourseVersion, CourseVersion.course_id == Course.id)
            .join(newest, and_(newest.c.course_id == Course.id, newest.c.n == CourseVersion.number))
            .order_by(CourseVersion.title)
        ).all()
    )


REPORTED = ("active", "invited")


def team_ids(manager_id: int) -> list[int]:
    """The ids in ``manager_id``'s reporting tree (the recursive CTE), once per request.

    Reports select these first and then name them: PostgreSQL cannot estimate a
    recursive CTE (it guessed 690,591 rows for a 500-person team and so scanned every
    assignment, period and attempt), but it plans a list of 500 ids exactly.
    """
    cache = g.setdefault("lms_team_ids", {}) if has_request_context() else {}
    if manager_id not in cache:
        tree = tree_cte(manager_id)
        cache[manager_id] = sorted(session.scalars(select(tree.c.id)))
    return cache[manager_id]


def id_in(column, ids: list[int]):
    """``column IN ids`` as one array parameter on PostgreSQL (any team size fits)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(Integer)))
    return column.in_(ids)


def people_in_scope(
    scope: Scope,
    filters: Filters | None = None,
    person_statuses: tuple[str, ...] = REPORTED,
    *,
    entity=None,
) -> Select:
    """SELECT of the people a report covers (active and invited by default; never erased):
    their ids, or ``entity`` (``Person`` for whole rows)."""
    stmt = select(entity if entity is not None else Person.id).where(
        Person.status.in_(person_statuses)
    )
    if scope.manager_id is not None:
        stmt = stmt.where(id_in(Person.id, team_ids(scope.manager_id)))
        if filters and filters.direct_only:
            stmt = stmt.where(Person.manager_id == scope.manager_id)
    if scope.department:
        stmt = stmt.where(Person.department == scope.department)
    if filters and filters.department:
        stmt = stmt.where(Person.department == filters.department)
    if filters and filters.search:
        term = f"%{fold(filters.search)}%"
        stmt = stmt.where(Person.search_name.like(term))
    return stmt


def status_table(
    scope: Scope,
    today: date,
    filters: Filters | None = None,
    person_ids: list[int] | None = None,
    person_statuses: tuple[str, ...] = REPORTED,
):
    """A subquery with one row per (person in scope, course): status and key dates.

    ``person_ids`` narrows it to a page of people, so the latest-period aggregate only
    reads those people's rows. The assignment columns are the open assignment's (at
    most one per person and course: a unique index).
    """
    people_stmt = people_in_scope(scope, filters, person_statuses)
    if person_ids is not None:
        people_stmt = people_stmt.where(Person.id.in_(person_ids))
    people = people_stmt.subquery("people")
    if person_ids is not None:

        def only(column):
            return column.in_(person_ids)
    elif (
        scope.manager_id is not None
        and not scope.department
        and not (filters and (filters.department or filters.search or filters.direct_only))
    ):
        ids = team_ids(scope.manager_id)

        def only(column):  # a whole team: its ids, which the planner can count
            return id_in(column, ids)
    elif (
        scope.manager_id is not None
        or scope.department
        or (filters and (filters.department or filters.search))
    ):

        def only(column):  # a team: aggregate only its people's rows
            return column.in_(select(people.c.id))
    else:

        def only(column):
            return literal(True)

    courses = select(Course.id.label("course_id"), Course.slug.label("slug")).subquery("courses")
    if filters and filters.course:
        courses = (
            select(Course.id.label("course_id"), Course.slug.label("slug"))
            .where(Course.slug == filters.course)
            .subquery("courses")
        )

    cp = CertificationPeriod
    period_columns = (
        cp.person_id,
        cp.course_id,
        cp.valid_until,
        cp.window_opens_on,
        cp.revoked_on,
        cp.certified_on,
        cp.version_id,
    )
    if session.get_bind().dialect.name == "postgresql":
        # The latest period per person and course as DISTINCT ON: PostgreSQL estimates it
        # from the (person, course) statistics, where a join back to MAX(sequence) was
        # estimated at one row and nested-looped (1,000 x 741 comparisons for one team).
        period = (
            select(*period_columns)
            .where(cp.certified_on <= today, only(cp.person_id))
            .ext(distinct_on(cp.person_id, cp.course_id))
            .order_by(cp.person_id, cp.course_id, cp.sequence.desc())
            .subquery("period")
        )
    else:
        latest_seq = (
            select(cp.person_id, cp.course_id, func.max(cp.sequence).label("seq"))
            .where(cp.certified_on <= today, only(cp.person_id))
            .group_by(cp.person_id, cp.course_id)
            .subquery("latest_seq")
        )
        period = (
            select(*period_columns)
            .join(
                latest_seq,
                and_(
                    latest_seq.c.person_id == cp.person_id,
                    latest_seq.c.course_id == cp.course_id,
                    latest_seq.c.seq == cp.sequence,
                ),
            )
            .subquery("period")
        )
    assignment = (
        select(
            Assignment.id,
            Assignment.person_id,
            Assignment.course_id,
            Assignment.due_on,
            Assignment.reason,
        )
        .where(Assignment.closed_on.is_(None), only(Assignment.person_id))
        .subquery("assignment")
    )

    # "Started" is any recorded activity on the course, as ``LearnerRecords.started``.
    # Each EXISTS also names the scope's people, so the hashed subplan PostgreSQL builds
    # for it reads a team's rows, not every attempt of the organisation.
    started = or_(
        exists().where(
            ModuleProgress.person_id == people.c.id,
            ModuleProgress.course_id == courses.c.course_id,
            only(ModuleProgress.person_id),
        ),
        exists().where(
            Attempt.person_id == people.c.id,
            Attempt.course_id == courses.c.course_id,
            only(Attempt.person_id),
        ),
        exists().where(
            ScenarioRun.person_id == people.c.id,
            ScenarioRun.course_id == courses.c.course_id,
            only(ScenarioRun.person_id),
        ),
    )
    status = case(
        (
            and_(
                period.c.person_id.is_not(None),
                period.c.revoked_on.is_not(None),
                period.c.revoked_on <= today,
            ),
            literal("revoked"),
        ),
        (and_(period.c.person_id.is_not(None), period.c.valid_until < today), literal("expired")),
        (
            and_(period.c.person_id.is_not(None), period.c.window_opens_on <= today),
            literal("renewal_due"),
        ),
        (period.c.person_id.is_not(None), literal("certified")),
        (assignment.c.person_id.is_(None), literal("not_assigned")),
        (and_(assignment.c.due_on.is_not(None), assignment.c.due_on < today), literal("overdue")),
        (started, literal("in_progress")),
        else_=literal("assigned"),
    )
    return (
        select(
            people.c.id.label("person_id"),
            courses.c.course_id,
            courses.c.slug,
            status.label("status"),
            assignment.c.id.label("assignment_id"),
            assignment.c.due_on,
            assignment.c.reason,
            period.c.certified_on,
            period.c.valid_until,
            period.c.version_id,
        )
        .select_from(people)
        .join(courses, literal(True))
        .outerjoin(
            period,
            and_(period.c.person_id == people.c.id, period.c.course_id == courses.c.course_id),
        )
        .outerjoin(
            assignment,
            and_(
                assignment.c.person_id == people.c.id, assignment.c.course_id == courses.c.course_id
            ),
        )
    ).subquery("status_table")


def filter_conditions(table, today: date, filters: Filters) -> list:
    """WHERE conditions for the status and due/expiring-within filters on a status table
    (shared by report pages, exports and the API so they always agree)."""
    conds = []
    if filters.status:
        conds.append(table.c.status == filters.status)
    if filters.within_days:
        horizon = today + timedelta(days=filters.within_days)
        conds.append(
            or_(
                and_(
                    table.c.status.in_(("assigned", "in_progress")),
                    table.c.due_on.between(today, horizon),
                ),
                and_(
                    table.c.status.in_(("certified", "renewal_due")),
                    table.c.valid_until.between(today, horizon),
                ),
            )
        )
    return conds


def summary(scope: Scope, today: date, filters: Filters | None = None) -> dict[int, dict[str, int]]:
    """Counts per course and status (GROUP BY in the database)."""
    filters = filters or Filters()
    table = status_table(scope, today, filters)
    rows = session.execute(
        select(table.c.course_id, table.c.status, func.count())
        .where(*filter_conditions(table, today, filters))
        .group_by(table.c.course_id, table.c.status)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for course_id, status, count in rows:
        out.setdefault(course_id, dict.fromkeys(STATUSES, 0))[status] = count
    return out


@dataclass(frozen=True)
class MatrixPage:
    people: list[Person]
    cells: dict[tuple[int, int], Any]  # (person id, course id) -> row
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _ordered_people(scope: Scope, today: date, filters: Filters):
    """People matching the filters, in the requested order (a SELECT).

    Sorting by name or department without a status or date filter needs no statuses at
    all, so the common first view of a report only pages through people.
    """
    if _plain_order(filters):
        order = [Person.name] if filters.sort == "name" else [Person.department, Person.name]
        if filters.descending:
            order = [o.desc() for o in order]
        return people_in_scope(scope, filters, entity=Person).order_by(*order, Person.id)
    table = status_table(scope, today, filters)
    conds = filter_conditions(table, today, filters)
    rank = case(
        {
            s: i
            for i, s in enumerate(
                (
                    "overdue",
                    "expired",
                    "revoked",
                    "renewal_due",
                    "in_progress",
                    "assigned",
                    "not_assigned",
                    "certified",
                )
            )
        },
        value=table.c.status,
        else_=99,
    )
    # "due" is the earliest date the person's row shows (lms.reports.dates), never a hidden one.
    matching = (
        select(
            table.c.person_id,
            func.min(rank).label("rank"),
            func.min(date_shown_sql(table)).label("due"),
        )
        .where(*conds)
        .group_by(table.c.person_id)
        .subquery("matching")
    )
    order = {
        "name": [Person.name],
        "department": [Person.department, Person.name],
        "status": [matching.c.rank, Person.name],
        "due": [matching.c.due.is_(None), matching.c.due, Person.name],  # rows without a date last
    }[filters.sort if filters.sort in SORTS else "name"]
    if filters.descending:
        order = [o.desc() for o in order]
    return (
        select(Person).join(matching, matching.c.person_id == Person.id).order_by(*order, Person.id)
    )


def _plain_order(filters: Filters) -> bool:
    return not filters.status and not filters.within_days and filters.sort in ("name", "department")


def matrix(scope: Scope, today: date, filters: Filters) -> MatrixPage:
    """One page of the people x courses matrix (people paginated in SQL)."""
    ordered = _ordered_people(scope, today, filters)
    page = max(1, filters.page)
    window = ordered.limit(filters.per_page).offset((page - 1) * filters.per_page)
    if _plain_order(filters):
        # No statuses needed: count the people, and let the database keep only the page's
        # rows while sorting (a window count would sort every person's whole row).
        total = (
            session.scalar(
                select(func.count()).select_from(people_in_scope(scope, filters).subquery())
            )
            or 0
        )
        people = list(session.scalars(window)) if total else []
    else:
        # The total rides along as a window count, so the statuses are computed once for both.
        rows = session.execute(
            ordered.add_columns(func.count().over().label("total"))
            .limit(filters.per_page)
            .offset((page - 1) * filters.per_page)
        ).all()
        people = [row[0] for row in rows]
        if rows:
            total = rows[0].total
        else:  # past the last page: count separately
            total = session.scalar(select(func.count()).select_from(ordered.subquery())) or 0
    cells: dict[tuple[int, int], Any] = {}
    if people:
        table = status_table(scope, today, filters, person_ids=[p.id for p in people])
        for row in session.execute(select(table)):
            cells[(row.person_id, row.course_id)] = row
    return MatrixPage(people, cells, total, page, filters.per_page)


EXPORT_COLUMNS = (
    "person_email",
    "person_name",
    "department",
    "manager_email",
    "course",
    "status",
    "due_on",
    "certified_on",
    "valid_until",
)


def export_rows(
    scope: Scope,
    today: date,
    filters: Filters,
    *,
    chunk: int = 1000,
    timeout_ms: int | None = None,
) -> Iterator[tuple]:
    """Every (person, course) row of the report, streamed from the database in chunks.

    The planner settings are made here, in the transaction the rows are read in: the
    generator runs after the view has returned."""
    tune_session(timeout_ms=timeout_ms)
    table = status_table(scope, today, filters)
    manager = Person.__table__.alias("manager")
    stmt = (
        select(
            Person.email,
            Person.name,
            Person.department,
            manager.c.email,
            table.c.slug,
            table.c.status,
            table.c.due_on,
            table.c.certified_on,
            table.c.valid_until,
        )
        .join(table, table.c.person_id == Person.id)
        .outerjoin(manager, manager.c.id == Person.manager_id)
        .where(*filter_conditions(table, today, filters))
        .order_by(Person.name, Person.id, table.c.slug)
        .execution_options(yield_per=chunk)
    )
    for row in session.execute(stmt):
        yield tuple(row)


def departments(scope: Scope | None = None) -> list[str]:
    """The departments of the people ``scope`` covers (a manager sees only their tree's).

    For the organisation this walks the department index one value at a time (a
    recursive "loose index scan": one index probe per department) instead of reading
    every person's row for a ``SELECT DISTINCT``; a team's come from its known ids.
    """
    if scope is not None and scope.manager_id is not None:
        stmt = select(Person.department).where(
            Person.department.is_not(None), Person.id.in_(people_in_scope(scope))
        )
        return list(session.scalars(stmt.distinct().order_by(Person.department)))
    walk = select(func.min(Person.department).label("d")).cte("lms_departments", recursive=True)
    walk = walk.union_all(
        select(
            select(func.min(Person.department))
            .where(Person.department > walk.c.d)
            .scalar_subquery()
        ).where(walk.c.d.is_not(None))
    )
    return list(session.scalars(select(walk.c.d).where(walk.c.d.is_not(None)).order_by(walk.c.d)))
