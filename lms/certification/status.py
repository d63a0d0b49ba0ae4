"""The status of every (person, course) pair on a date, computed in SQL.

The CASE in :func:`status_table` mirrors ``lms.domain.certification.status_on`` (a test
checks they agree on every status). Certification plans assignments and the managers'
digests with it, and the reports (``lms.reports.queries``) count, filter and page it, so
the mails and the report pages always agree. Scope is the whole organisation, a
department, or a manager's whole reporting tree (recursive CTE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Integer, and_, any_, case, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.sql import Select

from lms.accounts.models import Person
from lms.accounts.tree import tree_cte
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.models import Course, ModuleProgress
from lms.db import session
from lms.domain.text import fold
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun


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
