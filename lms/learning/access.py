"""Which courses a person may open: the one check every learner page makes.

Employees, managers and admins see every course; a candidate only the courses they were
assigned (so this sits above ``lms.certification``, which owns assignments).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from lms.accounts.access import current_person
from lms.accounts.models import Person
from lms.certification.models import Assignment
from lms.courses import services
from lms.courses.models import CourseVersion
from lms.db import session


def courses_for(person: Person) -> list[CourseVersion]:
    """The courses a person's home lists: candidates see only what they were assigned."""
    versions = services.latest_versions()
    if person.role != "candidate":
        return versions
    assigned = assigned_course_ids(person.id)
    return [v for v in versions if v.course_id in assigned]


def assigned_course_ids(person_id: int) -> set[int]:
    return set(
        session.scalars(select(Assignment.course_id).where(Assignment.person_id == person_id))
    )


def may_open(person: Person, version: CourseVersion) -> bool:
    """Employees, managers and admins may open every course; candidates only theirs."""
    return person.role != "candidate" or version.course_id in assigned_course_ids(person.id)


def course_or_404(slug: str) -> CourseVersion:
    """The latest version of a course the signed-in person may open; 404 otherwise (a
    candidate never learns that courses outside their onboarding exist)."""
    version = services.latest_version_by_slug(slug)
    if version is None or not may_open(current_person(), version):
        abort(404)
    return version


def version_or_404(slug: str, number: int) -> CourseVersion:
    """Version ``number`` of a course the signed-in person may open; 404 otherwise."""
    latest = course_or_404(slug)
    version = services.version_by_number(latest.course_id, number)
    if version is None:
        abort(404)
    return version
