"""Report queries: counts, the paginated people x courses matrix and the export rows,
all from the status table (``lms.certification.status_table``) in a handful of statements
whatever the organisation's size.

The scope and filters (``lms.certification.scope``) and the status table are re-exported here,
where report code imports them from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, select, text

from lms.accounts.models import Person
from lms.certification.acknowledgements import with_signed_at
from lms.certification.scope import (
    REPORTED,
    Filters,
    Scope,
    departments,
    id_in,
    people_in_scope,
    team_ids,
    tune_session,
)
from lms.certification.status_table import (
    filter_conditions,
    person_rows,
    row_columns,
    status_table,
)
from lms.courses import localized
from lms.courses.models import Course, CourseVersion
from lms.courses.services import newest_numbers
from lms.db import session
from lms.domain.certification import STATUSES
from lms.domain.text import fold
from lms.reports import csv_sql
from lms.reports.dates import date_shown_sql

__all__ = [
    "EXPORT_COLUMNS",
    "REPORTED",
    "SORTS",
    "Filters",
    "MatrixPage",
    "Scope",
    "departments",
    "export_lines",
    "export_rows",
    "filter_conditions",
    "id_in",
    "latest_courses",
    "matrix",
    "people_counted",
    "people_in_scope",
    "person_rows",
    "status_table",
    "summary",
    "team_ids",
    "tune_session",
]

SORTS = ("name", "department", "status", "due")


def latest_courses() -> list[tuple[int, str, str]]:
    """(course id, slug, title of the newest version) for every course, the title in the
    reader's language (one more statement only when that is not the sources'), by title."""
    newest = newest_numbers()
    rows = session.execute(
        select(Course.id, Course.slug, CourseVersion.title, CourseVersion.id)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .join(newest, and_(newest.c.course_id == Course.id, newest.c.n == CourseVersion.number))
    ).all()
    texts = localized.load([(version_id, "course", None) for *_, version_id in rows])
    titled = [(cid, slug, texts.title(vid, title)) for cid, slug, title, vid in rows]
    return sorted(titled, key=lambda course: (fold(course[2]), course[1]))


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


def people_counted(counts: dict[int, dict[str, int]], filters: Filters) -> int | None:
    """The number of people the matrix pages through, read off ``summary``'s counts
    when they hold it (no status or date filter: each course's counts are one per person
    in scope); else None."""
    if not counts or not _plain_order(filters):
        return None
    return sum(next(iter(counts.values())).values())


def matrix(scope: Scope, today: date, filters: Filters, *, total: int | None = None) -> MatrixPage:
    """One page of the people x courses matrix (people paginated in SQL). ``total``: the
    number of people when already known (``people_counted``), saving a count."""
    ordered = _ordered_people(scope, today, filters)
    page = max(1, filters.page)
    window = ordered.limit(filters.per_page).offset((page - 1) * filters.per_page)
    if _plain_order(filters):
        # No statuses needed: count the people, and let the database keep only the page's
        # rows while sorting (a window count would sort every person's whole row).
        if total is None:
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
        # The page's people were chosen within the scope: naming them is enough. With the
        # team's ids as well, PostgreSQL estimated the two id lists as under one row and
        # scanned every person in parallel (23 ms at 100,000 people, 2 ms this way).
        table = status_table(Scope(), today, filters, person_ids=[p.id for p in people])
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
    titles: dict[str, str] | None = None,
    words: dict[str, str] | None = None,
    chunk: int = 1000,
    timeout_ms: int | None = None,
) -> Iterator[tuple]:
    """Every (person, course) row of the report, streamed from the database in chunks
    (a server-side cursor on PostgreSQL): ``EXPORT_COLUMNS``, the course's title and the
    status's word (``titles`` by slug and ``words`` by status; the code itself for one
    missing), then when the person signed the course's current policy text. The rows are
    the CSV's, as the database writes them: nothing is rebuilt per row in Python.

    The planner settings are made here, in the transaction the rows are read in: the
    generator runs after the view has returned."""
    tune_session(timeout_ms=timeout_ms)
    stmt = _export_statement(scope, today, filters, titles or {}, words or {})
    result = session.connection().execute(
        stmt, execution_options={"stream_results": True, "max_row_buffer": chunk}
    )
    for rows in result.yield_per(chunk).partitions():
        yield from rows


#: Export columns by how ``csv_sql`` writes their cells (the others are text).
_DATE_COLUMNS = frozenset({"due_on", "certified_on", "valid_until"})
_TIMESTAMP_COLUMNS = frozenset({"policy_acknowledged_at"})


def export_lines(
    scope: Scope,
    today: date,
    filters: Filters,
    *,
    titles: dict[str, str] | None = None,
    words: dict[str, str] | None = None,
    chunk: int = 2000,
    timeout_ms: int | None = None,
) -> Iterator[str]:
    """PostgreSQL: :func:`export_rows`' rows as their CSV lines, written by the database
    (``lms.reports.csv_sql``), streamed from a server-side cursor."""
    tune_session(timeout_ms=timeout_ms)
    session.execute(text(csv_sql.DATESTYLE))
    stmt = _export_statement(scope, today, filters, {}, {})
    columns = {column.key: column for column in stmt.selected_columns}
    labels = {"course_title": ("slug", titles or {}), "status_label": ("status", words or {})}
    cells = []
    for name, column in columns.items():
        if name in labels:  # each label written once, in Python, not once per row
            source, texts = labels[name]
            value = columns[source]
            cells.append(
                case(
                    {code: literal(csv_sql.written(label)) for code, label in texts.items()},
                    value=value,
                    else_=csv_sql.text_cell(value),
                )
                if texts
                else csv_sql.text_cell(value)
            )
        elif name in _DATE_COLUMNS:
            cells.append(csv_sql.date_cell(column))
        elif name in _TIMESTAMP_COLUMNS:
            cells.append(csv_sql.timestamp_cell(column))
        else:
            cells.append(csv_sql.text_cell(column))
    lines = stmt.with_only_columns(csv_sql.line(cells), maintain_column_froms=True)
    result = session.connection().execute(
        lines, execution_options={"stream_results": True, "max_row_buffer": chunk}
    )
    for part in result.scalars().yield_per(chunk).partitions():
        yield from part


def _label(column, labels: dict[str, str]):
    """``labels[column]`` in SQL, the column's own value when it has none."""
    if not labels:
        return column
    return case({code: literal(text) for code, text in labels.items()}, value=column, else_=column)


def _export_statement(
    scope: Scope, today: date, filters: Filters, titles: dict[str, str], words: dict[str, str]
):
    """``person_rows``' columns, labelled and signed, the person's own columns read from
    the status table's people scan (lms_person is read once, not joined back to every
    status row), in the export's order.

    The rows are a subquery the planner may not flatten (OFFSET 0): the status CASE is
    then worked out once per row, not again for its label, and the order is a sort of
    the joined rows. Flattened, a team's export nested-looped every join to keep the
    people in name order (110 ms for 500 people at 100,000, 8 ms this way)."""
    table = status_table(
        scope,
        today,
        filters,
        person_columns=(Person.email, Person.name, Person.department, Person.manager_id),
    )
    manager = Person.__table__.alias("manager")
    rows = (
        select(*row_columns(table.c, manager, table), table.c.person_id, table.c.course_id)
        .select_from(table)
        .outerjoin(manager, manager.c.id == table.c.manager_id)
        .where(*filter_conditions(table, today, filters))
        .offset(0)
        .subquery("export")
    )
    labelled = select(
        *(rows.c[name] for name in EXPORT_SOURCE),
        _label(rows.c.slug, titles).label("course_title"),
        _label(rows.c.status, words).label("status_label"),
    )
    return with_signed_at(labelled, rows.c.person_id, rows.c.course_id).order_by(
        rows.c.name, rows.c.person_id, rows.c.slug
    )


#: The export rows' source columns, in ``EXPORT_COLUMNS``' order.
EXPORT_SOURCE = (
    "email",
    "name",
    "department",
    "manager_email",
    "slug",
    "status",
    "due_on",
    "certified_on",
    "valid_until",
)
