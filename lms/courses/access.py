"""The one check every learner page makes before showing a course."""

from __future__ import annotations

from flask import abort

from lms.accounts.access import current_person
from lms.courses import services
from lms.courses.models import CourseVersion


def course_or_404(slug: str) -> CourseVersion:
    """The latest version of a course the signed-in person may open; 404 otherwise (a
    candidate never learns that courses outside their onboarding exist)."""
    version = services.latest_version_by_slug(slug)
    if version is None or not services.may_open(current_person(), version):
        abort(404)
    return version


def version_or_404(slug: str, number: int) -> CourseVersion:
    """Version ``number`` of a course the signed-in person may open; 404 otherwise."""
    latest = course_or_404(slug)
    version = services.version_by_number(latest.course_id, number)
    if version is None:
        abort(404)
    return version
