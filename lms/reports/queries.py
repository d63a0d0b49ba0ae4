"""Report queries: status of every (person, course) pair on a date, computed in SQL.

The status table itself is ``lms.certification.status`` (certification plans with it
too); the counts, filters and pages of it are here. Scope is the whole organisation, a
department, or a manager's whole reporting tree (recursive CTE); counts are aggregated by the database, and the matrix
is paginated there too, so a report costs a handful of statements whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, text

from lms.accounts.models import Person
from lms.certification.status import (
    Filters,
    Scope,
    people_in_scope,
    status_table,
)
from lms.courses.models import Course, CourseVersion
from lms.db import session
from lms.domain.certification import STATUSES
from lms.reports.dates import date_shown_sql

SORTS = ("name", "department", "status", "due")


def tune_session() -> None:
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
        timeout = int(current_app.config["LMS_REPORT_TIMEOUT_MS"])
        session.execute(text(f"SET LOCAL statement_timeout = {timeout}"))


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
    scope: Scope, today: date, filters: Filters, *, chunk: int = 1000
) -> Iterator[tuple]:
    """Every (person, course) row of the report, streamed from the database in chunks.

    The planner settings are made here, in the transaction the rows are read in: the
    generator runs after the view has returned."""
    tune_session()
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
