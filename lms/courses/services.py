"""Reading courses for pages: the latest version of each course, and what a person sees."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.courses.models import CourseVersion
from lms.db import session


def latest_versions() -> list[CourseVersion]:
    """The newest version of every course, in title order, in one query."""
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    stmt = (
        select(CourseVersion)
        .join(newest, (CourseVersion.course_id == newest.c.course_id)
              & (CourseVersion.number == newest.c.number))
        .order_by(CourseVersion.title)
    )
    return list(session.scalars(stmt))


def courses_for(person: Person) -> list[CourseVersion]:
    """The courses a person's home lists."""
    return latest_versions()


def latest_version_by_slug(slug: str) -> CourseVersion | None:
    """The newest version of the course with this slug, or None."""
    from lms.courses.models import Course

    return session.scalar(
        select(CourseVersion).join(Course).where(Course.slug == slug)
        .order_by(CourseVersion.number.desc()).limit(1)
    )
