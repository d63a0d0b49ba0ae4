"""The status of every (person, course) pair on a date, computed in SQL.

The CASE below mirrors ``lms.domain.certification.status_on`` (a test checks they agree
on every status); ``filter_conditions`` applies the status and date filters to it, the
same for report pages, exports and the API.

The CASE reads each pair's row of ``lms_status_facts`` (``status_facts``: the latest
period, the open assignment, "started", kept on every write), one row per pair instead
of the latest-period aggregate, the open assignments and three EXISTS over the learner
records. Those rows hold the *latest* period, which is the latest certified by the day
asked unless some period is dated after it: for such a day (a report dated in the past)
the status is computed from the source tables instead (:func:`computed_status_table`,
also what ``flask lms check-statuses`` compares the rows with).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import g, has_request_context
from sqlalchemy import and_, bindparam, case, exists, func, literal, or_, select
from sqlalchemy.sql import Select

try:  # SQLAlchemy 2.1 spells PostgreSQL's DISTINCT ON as a dialect extension
    from sqlalchemy.dialects.postgresql import distinct_on
except ImportError:  # 2.0, which hosts may still run: Select.distinct(*columns)
    distinct_on = None

from lms.accounts.models import Person
from lms.certification.models import Assignment, CertificationPeriod, StatusFacts
from lms.certification.scope import REPORTED, Filters, Scope, id_in, people_in_scope, team_ids
from lms.courses.models import Course, ModuleProgress
from lms.db import session
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun


def status_table(
    scope: Scope,
    today: date,
    filters: Filters | None = None,
    person_ids: list[int] | None = None,
    person_statuses: tuple[str, ...] = REPORTED,
    person_columns: tuple = (),
):
    """A subquery with one row per (person in scope, course): status and key dates.

    Columns: person_id, course_id, slug, status, assignment_id, due_on, reason,
    certified_on, valid_until, version_id, then ``person_columns``. ``person_ids``
    narrows it to a page of people. The assignment columns are the open assignment's (at
    most one per person and course: a unique index). ``person_columns`` (``Person``
    columns) ride along from the people's own scan, so a tally by manager or department
    joins nothing more.
    """
    if not facts_hold_on(today):
        return computed_status_table(
            scope, today, filters, person_ids, person_statuses, person_columns
        )
    people, courses = _people_and_courses(
        scope, filters, person_ids, person_statuses, person_columns
    )
    f = StatusFacts.__table__
    status = _status_case(
        today,
        f.c.certified_on.is_not(None),
        f.c,
        f.c.assignment_id.is_not(None),
        f.c,
        f.c.started.is_(True),
    )
    # The facts are narrowed like the source tables (a team's ids named), so a team's
    # report probes its own rows instead of hashing the organisation's.
    only = _narrowing(scope, filters, person_ids, people)
    rows = _rows(people, courses, person_columns, status, f.c.assignment_id, f.c, f.c)
    return rows.outerjoin(
        f,
        and_(
            f.c.person_id == people.c.id,
            f.c.course_id == courses.c.course_id,
            only(f.c.person_id),
        ),
    ).subquery("status_table")


def _rows(people, courses, person_columns, status, assignment_id, assignment, period) -> Select:
    """The status table's columns, in its order, over people x courses (the caller joins
    what ``assignment`` (due_on, reason) and ``period`` (certified_on, valid_until,
    version_id) come from)."""
    return (
        select(
            people.c.id.label("person_id"),
            courses.c.course_id,
            courses.c.slug,
            status.label("status"),
            assignment_id.label("assignment_id"),
            assignment.due_on,
            assignment.reason,
            period.certified_on,
            period.valid_until,
            period.version_id,
            *(people.c[c.key] for c in person_columns),
        )
        .select_from(people)
        .join(courses, literal(True))
    )


_LATER_PERIOD = (
    select(StatusFacts.person_id).where(StatusFacts.certified_on > bindparam("today")).limit(1)
)


def facts_hold_on(today: date) -> bool:
    """Whether ``lms_status_facts`` gives the statuses on ``today``: no pair's latest
    period is dated after it (one probe of an index; true for today and any later day).
    Asked once per request and day: a report page builds several status tables."""
    cache = g.setdefault("lms_facts_hold", {}) if has_request_context() else {}
    if today not in cache:
        cache[today] = session.execute(_LATER_PERIOD, {"today": today}).first() is None
    return cache[today]


def _people_and_courses(scope, filters, person_ids, person_statuses, person_columns):
    """The scope's people (with ``person_columns``) and the courses, as subqueries."""
    people_stmt = people_in_scope(scope, filters, person_statuses).add_columns(*person_columns)
    if person_ids is not None:
        people_stmt = people_stmt.where(Person.id.in_(person_ids))
    people = people_stmt.subquery("people")
    courses = select(Course.id.label("course_id"), Course.slug.label("slug"))
    if filters and filters.course:
        courses = courses.where(Course.slug == filters.course)
    return people, courses.subquery("courses")


def computed_status_table(
    scope: Scope,
    today: date,
    filters: Filters | None = None,
    person_ids: list[int] | None = None,
    person_statuses: tuple[str, ...] = REPORTED,
    person_columns: tuple = (),
):
    """:func:`status_table` worked out from the source tables (periods, assignments and
    learner records) instead of ``lms_status_facts``: right on any day, dearer."""
    people, courses = _people_and_courses(
        scope, filters, person_ids, person_statuses, person_columns
    )
    only = _narrowing(scope, filters, person_ids, people)
    period = _latest_periods(today, only)
    assignment = _open_assignments(only)
    status = _status(today, period, assignment, _started(people, courses, only))
    return (
        _rows(people, courses, person_columns, status, assignment.c.id, assignment.c, period.c)
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


def _narrowing(scope: Scope, filters: Filters | None, person_ids: list[int] | None, people):
    """A condition on a person-id column that keeps only the rows of the scope's people,
    in the form the planner handles best for this scope."""
    if person_ids is not None:
        return lambda column: column.in_(person_ids)
    if (
        scope.manager_id is not None
        and not scope.department
        and not (filters and (filters.department or filters.search or filters.direct_only))
    ):
        ids = team_ids(scope.manager_id)
        return lambda column: id_in(column, ids)  # a whole team: its ids, which it can count
    if (
        scope.manager_id is not None
        or scope.department
        or (filters and (filters.department or filters.search))
    ):
        return lambda column: column.in_(select(people.c.id))  # only its people's rows
    return lambda column: literal(True)


def _open_assignments(only):
    """The open assignments (at most one per person and course), as a subquery."""
    return (
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


def _latest_periods(today: date, only):
    """Each (person, course)'s latest period certified by ``today``, as a subquery."""
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
        latest = select(*period_columns).where(cp.certified_on <= today, only(cp.person_id))
        latest = (
            latest.ext(distinct_on(cp.person_id, cp.course_id))
            if distinct_on is not None
            else latest.distinct(cp.person_id, cp.course_id)
        )
        return latest.order_by(cp.person_id, cp.course_id, cp.sequence.desc()).subquery("period")
    latest_seq = (
        select(cp.person_id, cp.course_id, func.max(cp.sequence).label("seq"))
        .where(cp.certified_on <= today, only(cp.person_id))
        .group_by(cp.person_id, cp.course_id)
        .subquery("latest_seq")
    )
    return (
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


def _started(people, courses, only):
    """Whether the person has any recorded activity on the course (as
    ``LearnerRecords.started``). Each EXISTS also names the scope's people, so the hashed
    subplan PostgreSQL builds for it reads a team's rows, not every attempt of the
    organisation."""
    return or_(
        *(
            exists().where(
                model.person_id == people.c.id,
                model.course_id == courses.c.course_id,
                only(model.person_id),
            )
            for model in (ModuleProgress, Attempt, ScenarioRun)
        )
    )


def _status(today: date, period, assignment, started):
    """The status CASE over the source tables' subqueries."""
    return _status_case(
        today,
        period.c.person_id.is_not(None),
        period.c,
        assignment.c.person_id.is_not(None),
        assignment.c,
        started,
    )


def _status_case(today: date, certified, period, assigned, assignment, started):
    """The status CASE: ``lms.domain.certification.status_on`` in SQL. ``certified``,
    ``assigned`` and ``started`` are conditions (there is a latest period, an open
    assignment, a learner record); ``period`` has the latest period's revoked_on,
    valid_until and window_opens_on columns, ``assignment`` the open one's due_on."""
    revoked_on, valid_until = period.revoked_on, period.valid_until
    window_opens_on, due_on = period.window_opens_on, assignment.due_on
    return case(
        (and_(certified, revoked_on.is_not(None), revoked_on <= today), literal("revoked")),
        (and_(certified, valid_until < today), literal("expired")),
        (and_(certified, window_opens_on <= today), literal("renewal_due")),
        (certified, literal("certified")),
        (~assigned, literal("not_assigned")),
        (and_(due_on.is_not(None), due_on < today), literal("overdue")),
        (started, literal("in_progress")),
        else_=literal("assigned"),
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


def row_columns(person, manager, table) -> tuple:
    """The columns of a report row, in the order the API and the export give them:
    ``person``'s e-mail, name and department (``Person``, or a status table carrying
    them), the ``manager`` alias's e-mail, then the status table's course slug, status,
    due_on, certified_on and valid_until."""
    return (
        person.email,
        person.name,
        person.department,
        manager.c.email.label("manager_email"),
        table.c.slug,
        table.c.status,
        table.c.due_on,
        table.c.certified_on,
        table.c.valid_until,
    )


def person_rows(table, today: date, filters: Filters, *leading) -> Select:
    """The status table's rows beside each person's details and manager's e-mail, with
    the status and date filters applied: ``leading`` columns first, then e-mail, name,
    department, manager_email, course slug, status, due_on, certified_on, valid_until
    (the API reads these; the export reads the same columns with the person's own carried
    in the status table, ``lms.reports.queries.export_rows``, and tests/api compares the
    two)."""
    manager = Person.__table__.alias("manager")
    return (
        select(*leading, *row_columns(Person, manager, table))
        .join(table, table.c.person_id == Person.id)
        .outerjoin(manager, manager.c.id == Person.manager_id)
        .where(*filter_conditions(table, today, filters))
    )
