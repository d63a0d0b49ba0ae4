"""The org report's per-department table: people by status in each department, for one
course, counted by the database in a single GROUP BY over the reports' status table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.db import session
from lms.domain.certification import STATUSES
from lms.reports import queries


@dataclass(frozen=True)
class DepartmentRow:
    """One department (``None``: people without one) and its counts by status."""

    department: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def by_department(
    scope: queries.Scope, today: date, filters: queries.Filters
) -> list[DepartmentRow]:
    """Status counts per department for the scope and filters (give ``filters.course``:
    across courses the counts would be of person-course pairs). One statement."""
    table = queries.status_table(scope, today, filters)
    rows = session.execute(
        select(Person.department, table.c.status, func.count())
        .join(table, table.c.person_id == Person.id)
        .where(*queries.filter_conditions(table, today, filters))
        .group_by(Person.department, table.c.status)
    ).all()
    counts: dict[str | None, dict[str, int]] = {}
    for department, status, count in rows:
        counts.setdefault(department, dict.fromkeys(STATUSES, 0))[status] = count
    return rows_from(counts)


def rows_from(counts: dict[str | None, dict[str, int]]) -> list[DepartmentRow]:
    """Department rows from counts per department: named departments by name, then the
    people without one."""
    order = sorted(counts, key=lambda d: (d is None, d or ""))
    return [DepartmentRow(d, counts[d]) for d in order]
