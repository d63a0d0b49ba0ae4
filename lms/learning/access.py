"""Which courses a person may open: the one check every learner page makes.

Employees, managers and admins see every course; a candidate only the courses they were
assigned (so this sits above ``lms.certification``, which owns assignments).

Each page asks one statement: the newest version of each course (or of the course in
the URL) with whether the person was ever assigned it. The version rows themselves
come from the process's cache (``lms.courses.versions``): versions never change.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort
from sqlalchemy import and_, bindparam, exists, func, select

from lms.accounts.access import current_person
from lms.accounts.models import Person
from lms.certification.cycles import Standing, StoredAssignment, StoredPeriod
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses import services
from lms.courses.models import Course, CourseVersion
from lms.courses.versions import cached_versions
from lms.db import core_rows, session
from lms.quizzes.models import Attempt

_ASSIGNED = (
    exists()
    .where(
        Assignment.person_id == bindparam("person"),
        Assignment.course_id == CourseVersion.course_id,
    )
    .label("assigned")
)


def _newest(*, by_slug: bool = False, standing: bool = False):
    """The newest version of every course (or of course ``slug``): id, content hash and
    whether the person was ever assigned it; with ``standing``, beside each of the
    person's certification periods of the course (in sequence order) and their open
    assignment of it, what every page showing progress needs (outer joins: one row per
    period, at least one per course)."""
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    stmt = select(CourseVersion.id, CourseVersion.content_hash, _ASSIGNED).join(
        newest,
        (CourseVersion.course_id == newest.c.course_id) & (CourseVersion.number == newest.c.n),
    )
    if by_slug:
        stmt = stmt.join(Course, Course.id == CourseVersion.course_id).where(
            Course.slug == bindparam("slug")
        )
    stmt = stmt.order_by(CourseVersion.title, CourseVersion.id)
    if standing:  # every column of both tables, in table order (see _with_standing)
        cp, a = CertificationPeriod.__table__, Assignment.__table__.alias("open_assignment")
        person = bindparam("person")
        stmt = (
            stmt.add_columns(*cp.columns, *a.columns)
            .outerjoin(
                cp, and_(cp.c.course_id == CourseVersion.course_id, cp.c.person_id == person)
            )
            .outerjoin(
                a,
                and_(
                    a.c.course_id == CourseVersion.course_id,
                    a.c.person_id == person,
                    a.c.closed_on.is_(None),
                ),
            )
            .order_by(cp.c.sequence)
        )
    return stmt


#: Every course's newest version, in title order, with the person's "ever assigned".
_LATEST = _newest()
#: The newest version of the course with slug ``slug``, with the same flag.
_LATEST_BY_SLUG = _newest(by_slug=True)
_LATEST_STANDING = _newest(standing=True)
_LATEST_BY_SLUG_STANDING = _newest(by_slug=True, standing=True)
#: :data:`_LATEST_BY_SLUG` beside the person's attempt ``attempt`` when it is of that course.
_LATEST_BY_SLUG_ATTEMPT = _LATEST_BY_SLUG.add_columns(Attempt).outerjoin(
    Attempt,
    and_(
        Attempt.id == bindparam("attempt"),
        Attempt.person_id == bindparam("person"),
        Attempt.course_id == CourseVersion.course_id,
    ),
)
#: Whether the person was ever assigned course ``course``.
_EVER_ASSIGNED = select(
    exists().where(
        Assignment.person_id == bindparam("person"), Assignment.course_id == bindparam("course")
    )
)


def _open_to(person: Person, rows) -> list[CourseVersion]:
    """The versions of ``rows`` (id, content hash, assigned) the person may open, in order."""
    rows = [r for r in rows if person.role != "candidate" or r.assigned]
    versions = cached_versions([(r.id, r.content_hash) for r in rows])
    return [versions[r.id] for r in rows if r.id in versions]


def courses_for(person: Person) -> list[CourseVersion]:
    """The courses a person's home lists: candidates see only what they were assigned."""
    return _open_to(person, core_rows(_LATEST, {"person": person.id}))


def courses_with_standing(person: Person) -> tuple[list[CourseVersion], Standing]:
    """:func:`courses_for` with the person's periods and open assignments of them, for
    ``certification.progress_for_many`` (one statement for both)."""
    return _with_standing(person, core_rows(_LATEST_STANDING, {"person": person.id}))


def course_with_standing_or_404(slug: str) -> tuple[CourseVersion, Standing]:
    """:func:`course_or_404` with the person's periods and open assignment of the course,
    for ``certification.progress_for`` (one statement for both)."""
    person = current_person()
    rows = core_rows(_LATEST_BY_SLUG_STANDING, {"person": person.id, "slug": slug})
    versions, standing = _with_standing(person, rows)
    if not versions:
        abort(404)
    return versions[0], standing


_PERIOD_END = 3 + len(StoredPeriod._fields)  # after the version's id, hash and "assigned"


def _with_standing(person: Person, rows) -> tuple[list[CourseVersion], Standing]:
    """The versions the person may open, and the periods and open assignments beside
    them as stored copies (an outer join's missing row is all NULL: no id)."""
    heads, seen = [], set()
    standing = Standing(defaultdict(list), {})
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            heads.append(row)
        period, assignment = row[3:_PERIOD_END], row[_PERIOD_END:]
        if period[0] is not None:
            stored = StoredPeriod._make(period)
            standing.periods[stored.course_id].append(stored)
        if assignment[0] is not None:
            stored = StoredAssignment._make(assignment)
            standing.assignments[stored.course_id] = stored
    return _open_to(person, heads), standing


def may_open(person: Person, version: CourseVersion) -> bool:
    """Employees, managers and admins may open every course; candidates only theirs."""
    if person.role != "candidate":
        return True
    return bool(core_rows(_EVER_ASSIGNED, {"person": person.id, "course": version.course_id})[0][0])


def course_or_404(slug: str) -> CourseVersion:
    """The latest version of a course the signed-in person may open; 404 otherwise (a
    candidate never learns that courses outside their onboarding exist)."""
    person = current_person()
    found = _open_to(person, core_rows(_LATEST_BY_SLUG, {"person": person.id, "slug": slug}))
    if not found:
        abort(404)
    return found[0]


def course_and_attempt_or_404(slug: str, attempt_id: int) -> tuple[CourseVersion, Attempt | None]:
    """:func:`course_or_404` and the signed-in person's own attempt ``attempt_id`` of that
    course, in one statement (what an answer POST checks before grading); the attempt is
    None when it is missing, someone else's or of another course."""
    person = current_person()
    rows = session.execute(
        _LATEST_BY_SLUG_ATTEMPT, {"person": person.id, "slug": slug, "attempt": attempt_id}
    ).all()
    found = _open_to(person, rows)
    if not found:
        abort(404)
    return found[0], rows[0].Attempt


def version_or_404(slug: str, number: int) -> CourseVersion:
    """Version ``number`` of a course the signed-in person may open; 404 otherwise."""
    latest = course_or_404(slug)
    version = services.version_by_number(latest.course_id, number)
    if version is None:
        abort(404)
    return version
