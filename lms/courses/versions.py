"""Course version rows for learner pages, cached in the process.

A version never changes once synced (a changed course is a new version, a new row), so a
page needs only the id of the version it shows and takes the row itself from here: one
statement the first time a process sees the version, none after. A new version synced
while the app runs has a new id, so it is loaded the first time a page names it.

The cache lives with the app (``app.extensions["lms"]``): two apps in one process (a
host embedding the LMS beside a test app, two test databases that reuse ids) never share
entries, and a caller that knows the version's content hash (the pages' latest-version
query reads it) gets a fresh row when an entry does not match it. Cached rows are
detached from every session, fully loaded, and read-only; they are never written, merged
or refreshed. A version stored before its time estimates existed (``estimates`` NULL,
filled in by the next sync) is not cached, so that fill-in is seen at once.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, select

from lms.courses.models import CourseVersion
from lms.db import session

_CACHE_KEY = "lms.courses.versions"
_CACHE_SIZE = 1024  # versions; a process rarely sees more than a few dozen

_BY_IDS = select(CourseVersion).where(CourseVersion.id.in_(bindparam("ids", expanding=True)))


def _cache() -> dict[int, CourseVersion]:
    return current_app.extensions["lms"].extra.setdefault(_CACHE_KEY, {})


def _fits(found: CourseVersion | None, content_hash: str | None) -> bool:
    return found is not None and (content_hash is None or found.content_hash == content_hash)


def cached_versions(wanted: list[tuple[int, str | None]]) -> dict[int, CourseVersion]:
    """Version id -> row for each ``(id, content hash or None)``, loading those the cache
    lacks (or holds with another hash) in one statement. Ids that do not exist are left out."""
    cache = _cache()
    out = {vid: cache[vid] for vid, digest in wanted if _fits(cache.get(vid), digest)}
    missing = sorted({vid for vid, _digest in wanted if vid not in out})
    if missing:
        rows = list(session.scalars(_BY_IDS, {"ids": missing}).unique())
        if len(cache) + len(rows) > _CACHE_SIZE:
            cache.clear()
        for version in rows:
            for row in (version.course, version):  # later commits must not expire the copy
                if row in session:
                    session.expunge(row)
            if version.estimates is not None:
                cache[version.id] = version
            out[version.id] = version
    return out


def cached_version(version_id: int | None, content_hash: str | None = None) -> CourseVersion | None:
    """One version by id from the cache (one statement when the process has not seen it)."""
    if version_id is None:
        return None
    return cached_versions([(version_id, content_hash)]).get(version_id)
