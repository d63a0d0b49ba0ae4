"""A course version's structure (modules, scenarios, policy sections), cached in the process.

Versions are immutable: a changed course is synced as a new version with new rows. So
learner pages read a version's structure once per process instead of on every request.
The cache lives with the app (two apps, or two test databases that reuse ids, never
share entries) and is keyed by the version's id and content hash. The rows are detached
from the session, fully loaded, and must be treated as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from lms.courses.models import CourseVersion, Module, PolicySection, Scenario
from lms.db import session

_CACHE_KEY = "lms.courses.structure"
_CACHE_SIZE = 256  # versions; a process rarely sees more than a few


@dataclass(frozen=True)
class Structure:
    """The parts of one version, each in course order."""

    modules: tuple[Module, ...]
    scenarios: tuple[Scenario, ...]
    sections: tuple[PolicySection, ...]

    def sections_for(self, keys) -> list[PolicySection]:
        wanted = set(keys)
        return [s for s in self.sections if s.key in wanted]

    def scenario(self, key: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.key == key), None)

    @property
    def section_titles(self) -> dict[str, str]:
        return {s.key: s.title for s in self.sections}


def structure(version: CourseVersion) -> Structure:
    """The version's modules, scenarios and sections (three statements the first time)."""
    cache: dict[tuple[int, str], Structure] = current_app.extensions["lms"].extra.setdefault(
        _CACHE_KEY, {}
    )
    key = (version.id, version.content_hash)
    found = cache.get(key)
    if found is None:
        parts = []
        for model in (Module, Scenario, PolicySection):
            rows = list(
                session.scalars(
                    select(model).where(model.version_id == version.id).order_by(model.position)
                )
            )
            for row in rows:
                session.expunge(row)  # later commits must not expire the cached copy
            parts.append(tuple(rows))
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        found = cache[key] = Structure(*parts)
    return found


def modules_of(version: CourseVersion) -> list[Module]:
    """The version's modules in order (from the cached structure)."""
    return list(structure(version).modules)
