"""Reading courses for pages: the latest version of each course, versions, policy changes.

Which courses a person may open depends on their assignments: ``lms.learning.access``.
"""

from __future__ import annotations

from sqlalchemy import func, select

from lms.courses import localized
from lms.courses.models import Course, CourseVersion, PolicySection
from lms.courses.versions import cached_version
from lms.db import session
from lms.domain.textdiff import compare_sections, diff_html


def newest_numbers():
    """A subquery of every course's newest version number: columns ``course_id`` and ``n``."""
    return (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )


def latest_versions() -> list[CourseVersion]:
    """The newest version of every course, in title order, in one query."""
    newest = newest_numbers()
    stmt = (
        select(CourseVersion)
        .join(
            newest,
            (CourseVersion.course_id == newest.c.course_id) & (CourseVersion.number == newest.c.n),
        )
        .order_by(CourseVersion.title)
    )
    return list(session.scalars(stmt))


def latest_by_slug() -> list[tuple[Course, CourseVersion]]:
    """Every course with its newest version, in slug order, in one query."""
    newest = newest_numbers()
    return list(
        session.execute(
            select(Course, CourseVersion)
            .join(CourseVersion, CourseVersion.course_id == Course.id)
            .join(newest, (newest.c.course_id == Course.id) & (newest.c.n == CourseVersion.number))
            .order_by(Course.slug)
        ).all()
    )


def latest_version(course_id: int) -> CourseVersion | None:
    """The newest version of the course, or None before its first sync."""
    return session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def latest_version_by_slug(slug: str) -> CourseVersion | None:
    """The newest version of the course with this slug, or None."""
    return session.scalar(
        select(CourseVersion)
        .join(Course)
        .where(Course.slug == slug)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def sections_of(version_id: int) -> list[PolicySection]:
    """The version's policy sections in course order, read from the database."""
    return list(
        session.scalars(
            select(PolicySection)
            .where(PolicySection.version_id == version_id)
            .order_by(PolicySection.position)
        )
    )


def change_wants(old: CourseVersion | None, new: CourseVersion) -> list:
    """What :func:`policy_changes` needs from ``localized.load``: both versions' sections."""
    return [(old.id if old else None, "section", None), (new.id, "section", None)]


def policy_changes(
    old: CourseVersion | None, new: CourseVersion, keys: set[str] | None = None, texts=None
) -> list[dict]:
    """Changed policy sections between two versions, each with a readable word diff.

    ``keys`` narrows the list (a review task shows only its sections). Which sections
    changed is decided on the source; a change is shown in the page's language when the
    translation of both sides is up to date (``lms.courses.localized``), else in the
    source (``texts``: the page's ``localized.load`` when it has one, with the sections
    of both versions, else loaded here). The diff HTML is built from escaped text only, so
    templates may mark it safe.
    """
    before = [(s.key, s.title, s.body_md) for s in sections_of(old.id)] if old else []
    after = [(s.key, s.title, s.body_md) for s in sections_of(new.id)]
    if texts is None:
        texts = localized.load(change_wants(old, new))
    out = []
    for change in compare_sections(before, after):
        if change.kind == "unchanged" or (keys is not None and change.key not in keys):
            continue
        was = (
            texts.fresh(old.id, "section", change.key)
            if old and change.old_text is not None
            else None
        )
        now = texts.fresh(new.id, "section", change.key) if change.new_text is not None else None
        if (change.old_text is None or was) and (change.new_text is None or now):
            old_title, new_title = (was or {}).get("title"), (now or {}).get("title")
            old_text, new_text = (was or {}).get("body"), (now or {}).get("body")
        else:  # one side untranslated or stale: the source's words on both sides
            old_title, new_title, old_text, new_text = (
                change.old_title,
                change.new_title,
                change.old_text,
                change.new_text,
            )
        out.append(
            {
                "key": change.key,
                "kind": change.kind,
                "title": new_title or old_title,
                "old_title": old_title,
                "diff_html": diff_html(old_text or "", new_text or ""),
            }
        )
    return out


def version_by_number(course_id: int, number: int) -> CourseVersion | None:
    """One stored version of a course by its number."""
    return session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course_id, CourseVersion.number == number
        )
    )


def version_by_id(version_id: int) -> CourseVersion | None:
    """One stored version by its id, from the process's cache of versions (read-only:
    ``lms.courses.versions``; a statement only the first time the process sees it)."""
    return cached_version(version_id)


def versions_of(course_id: int) -> list[CourseVersion]:
    """Every stored version of a course, newest first."""
    return list(
        session.scalars(
            select(CourseVersion)
            .where(CourseVersion.course_id == course_id)
            .order_by(CourseVersion.number.desc())
        )
    )
