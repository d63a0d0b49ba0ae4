"""Whose rows a report covers: the scope (organisation, department, a manager's tree),
the filters, the people they select, and the planner settings report queries run with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import Integer, any_, func, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import Select

from lms.accounts.models import Person
from lms.accounts.tree import tree_cte
from lms.db import session
from lms.domain.text import fold

#: The reports' planner settings for the rest of the transaction (``set_config(...,
#: true)`` is ``SET LOCAL``), as one statement:
#: - no JIT (see :func:`tune_session`);
#: - ``work_mem``: the organisation-wide status table sorts and hashes a row per person
#:   and course; at 100,000 people the default 4 MB spilled its sorts to disk;
#: - ``cursor_tuple_fraction``: exports read every row of a server-side cursor, so plan
#:   for all of them; with the default (0.1) the planner chose fast-start plans, e.g. a
#:   500-person team's rows by walking every person's name in the name index (84 ms at
#:   100,000 people);
#: - ``plan_cache_mode``: a plan made for this call's team and courses, every time. The
#:   requests keep their prepared statements (``lms.web.transactions``), and after five
#:   runs PostgreSQL may switch a prepared statement to a generic plan, blind to how big
#:   the team named in it is: measured, the organisation report at 100,000 people got
#:   about 5% slower once it did;
#: - ``statement_timeout``, bound per call.
_REPORT_SETTINGS = text(
    "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true),"
    " set_config('cursor_tuple_fraction', '1', true),"
    " set_config('plan_cache_mode', 'force_custom_plan', true),"
    " set_config('statement_timeout', :timeout, true)"
)


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
        # One runaway report must not hold a worker: PostgreSQL cancels it (a 503 page).
        # A background export passes its own, longer timeout (``timeout_ms``).
        timeout = int(timeout_ms or current_app.config["LMS_REPORT_TIMEOUT_MS"])
        session.execute(_REPORT_SETTINGS, {"timeout": str(timeout)})


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
