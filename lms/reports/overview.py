"""The organisation report's figures: status counts per course, per manager's tree, and
per course version, with each (person, course) status computed once.

Managers' trees are counted without a closure table: one GROUP BY on each person's direct
manager, then the counts are added up each manager's chain in Python (a few hundred
managers), instead of joining every status to every ancestor (N x depth rows) in SQL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Integer,
    String,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
)

from lms.accounts.models import Person
from lms.certification import rollup
from lms.certification.models import CertificationPeriod
from lms.certification.status_table import facts_hold_on
from lms.courses.models import Course, CourseVersion
from lms.db import session
from lms.domain.certification import STATUSES
from lms.reports.queries import Filters, Scope, filter_conditions, status_table, summary

Counts = dict[str, int]


def _shares_statuses(scope: Scope, filters: Filters) -> bool:
    """Whether the summary's statuses are the teams' too: the whole organisation, no
    filter but the course (the teams always show the focus course, unfiltered)."""
    return (
        scope.manager_id is None
        and not scope.department
        and not filters.status
        and not filters.within_days
        and not filters.department
        and not filters.search
    )


def _tallies(statuses, course_id: int, by_course: bool, conds=(), departments: bool = False):
    """One statement: ("c", course, status, n) per course if ``by_course``, ("m", direct
    manager, status, n) for ``course_id``, ("p", manager, their manager) per manager, and
    ("d", -, status, n, department) for ``course_id`` if ``departments``."""
    none, text = cast(null(), Integer), cast(null(), String)
    parts = []
    if by_course:
        parts.append(
            select(
                literal("c").label("kind"),
                statuses.c.course_id.label("a"),
                none.label("b"),
                statuses.c.status.label("status"),
                func.count().label("n"),
                text.label("department"),
            )
            .where(*conds)
            .group_by(statuses.c.course_id, statuses.c.status)
        )
    parts.append(
        select(literal("m"), statuses.c.manager_id, none, statuses.c.status, func.count(), text)
        .where(statuses.c.course_id == course_id, statuses.c.manager_id.is_not(None))
        .group_by(statuses.c.manager_id, statuses.c.status)
    )
    if departments:
        parts.append(
            select(literal("d"), none, none, statuses.c.status, func.count(), statuses.c.department)
            .where(statuses.c.course_id == course_id)
            .group_by(statuses.c.department, statuses.c.status)
        )
    managers = select(Person.manager_id).where(Person.manager_id.is_not(None)).distinct()
    parts.append(
        select(
            literal("p"),
            Person.id,
            Person.manager_id,
            cast(null(), Person.name.type),
            cast(null(), Integer),
            text,
        ).where(Person.id.in_(managers))
    )
    return session.execute(union_all(*parts)).all()


def _roll_up(
    direct: dict[int, Counts], parent: dict[int, int | None]
) -> list[tuple[Person, Counts]]:
    """Each manager with the counts of their whole tree, by name (a loop in the chain
    stops at the first manager seen twice)."""
    totals: dict[int, Counts] = {}
    for manager_id, counts in direct.items():
        seen: set[int] = set()
        m: int | None = manager_id
        while m is not None and m not in seen:
            seen.add(m)
            total = totals.setdefault(m, dict.fromkeys(STATUSES, 0))
            for status, n in counts.items():
                total[status] += n
            m = parent.get(m)
    if not totals:
        return []
    managers = session.scalars(
        select(Person).where(Person.id.in_(list(totals))).order_by(Person.name)
    ).all()
    return [(m, totals[m.id]) for m in managers]


def _split(rows):
    """(by course, direct per manager, each manager's manager, by department) counts."""
    by_course: dict[int, Counts] = {}
    direct: dict[int, Counts] = {}
    parent: dict[int, int | None] = {}
    by_department: dict[str | None, Counts] = {}
    for kind, a, b, status, n, department in rows:
        if kind == "c":
            by_course.setdefault(a, dict.fromkeys(STATUSES, 0))[status] = n
        elif kind == "m":
            direct.setdefault(a, {})[status] = n
        elif kind == "d":
            by_department.setdefault(department, dict.fromkeys(STATUSES, 0))[status] = n
        else:
            parent[a] = b
    return by_course, direct, parent, by_department


def _statuses(scope: Scope, today: date, filters: Filters):
    # Materialised: computed once, then read by every branch of the tallies. The direct
    # manager and the department ride along from the people's scan.
    table = status_table(
        scope, today, filters, person_columns=(Person.manager_id, Person.department)
    )
    return select(table).cte("statuses").prefix_with("MATERIALIZED", dialect="postgresql")


def _grouped_tallies(table, count, course_id: int):
    """PostgreSQL: what ``_split(_tallies(..., departments=True))`` gives (by course; by
    direct manager and by department for ``course_id``; each manager's manager) from one
    pass with GROUPING SETS over ``table`` (course_id, manager_id, department and status
    columns), counting ``count`` (a row count, or the rollup's summed counts)."""
    by = func.grouping(table.c.manager_id, table.c.department)  # 3: course, 1: manager, 2: dept
    none = cast(null(), Integer)
    grouped = select(
        by,
        table.c.course_id,
        table.c.manager_id,
        none,
        table.c.status,
        count,
        table.c.department,
    ).group_by(
        func.grouping_sets(
            tuple_(table.c.course_id, table.c.status),
            tuple_(table.c.course_id, table.c.manager_id, table.c.status),
            tuple_(table.c.course_id, table.c.department, table.c.status),
        )
    )
    parents = select(
        literal(-1),
        none,
        Person.id,
        Person.manager_id,
        cast(null(), String),
        none,
        cast(null(), String),
    ).where(Person.id.in_(select(Person.manager_id).where(Person.manager_id.is_not(None))))
    by_course: dict[int, Counts] = {}
    direct: dict[int, Counts] = {}
    parent: dict[int, int | None] = {}
    by_department: dict[str | None, Counts] = {}
    for kind, course, a, b, status, n, department in session.execute(union_all(grouped, parents)):
        if kind == 3:
            by_course.setdefault(course, dict.fromkeys(STATUSES, 0))[status] = int(n)
        elif kind == -1:
            parent[a] = b
        elif course != course_id:
            continue
        elif kind == 1:
            if a is not None:
                direct.setdefault(a, {})[status] = int(n)
        else:
            by_department.setdefault(department, dict.fromkeys(STATUSES, 0))[status] = int(n)
    return by_course, direct, parent, by_department


def _organisation_tallies(scope: Scope, today: date, filters: Filters, course_id: int):
    """PostgreSQL, the whole organisation unfiltered: the tallies from the rollup when it
    counts ``today`` (a few hundred rows), else from the status table."""
    if rollup.built_for() == today and facts_hold_on(today):
        table = rollup.summed(course_id if filters.course else None)
        return _grouped_tallies(table, func.sum(table.c.people), course_id)
    table = status_table(
        scope, today, filters, person_columns=(Person.manager_id, Person.department)
    )
    return _grouped_tallies(table, func.count(), course_id)


def teams_side_by_side(today: date, course_id: int) -> list[tuple[Person, Counts]]:
    """Per manager, status counts over their whole tree (the course's, everyone reported)."""
    slug = session.scalar(select(Course.slug).where(Course.id == course_id))
    _, direct, parent, _ = _split(
        _tallies(_statuses(Scope(), today, Filters(course=slug)), course_id, False)
    )
    return _roll_up(direct, parent)


def org_overview(
    scope: Scope, today: date, filters: Filters, course_id: int | None
) -> tuple[dict[int, Counts], list[tuple[Person, Counts]], dict | None]:
    """The summary (as ``queries.summary``), the teams for ``course_id`` (as
    ``teams_side_by_side``) and its counts per department (as
    ``departments.by_department``; None when not shared), from one computation of the
    statuses when they share it."""
    if course_id is None:
        return summary(scope, today, filters), [], None
    if not _shares_statuses(scope, filters):
        return summary(scope, today, filters), teams_side_by_side(today, course_id), None
    if session.get_bind().dialect.name == "postgresql":
        by_course, direct, parent, by_department = _organisation_tallies(
            scope, today, filters, course_id
        )
        return by_course, _roll_up(direct, parent), by_department
    statuses = _statuses(scope, today, filters)
    by_course, direct, parent, by_department = _split(
        _tallies(
            statuses, course_id, True, filter_conditions(statuses, today, filters), departments=True
        )
    )
    return by_course, _roll_up(direct, parent), by_department


def certified_per_version(today: date, course_id: int) -> list[tuple[int, int]]:
    """(version number, people currently holding a valid certificate earned on it)."""
    cp = CertificationPeriod
    return list(
        session.execute(
            select(CourseVersion.number, func.count(func.distinct(cp.person_id)))
            .join(cp, cp.version_id == CourseVersion.id)
            .where(
                cp.course_id == course_id,
                cp.certified_on <= today,
                cp.valid_until >= today,
                or_(cp.revoked_on.is_(None), cp.revoked_on > today),
            )
            .group_by(CourseVersion.number)
            .order_by(CourseVersion.number)
        ).all()
    )
