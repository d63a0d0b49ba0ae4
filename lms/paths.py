"""Where the LMS finds the files it ships: its migrations and the example course.

A built wheel carries them inside the package (``lms/_bundled/``, copied there by the
build; see ``setup.py``). A source checkout (the standalone app, an editable install)
reads the top-level ``migrations/`` and ``courses/`` folders the repository keeps.
Nothing is ever looked up next to ``site-packages``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_bundled"
CHECKOUT = PACKAGE.parent

#: The course that ships with the package as an installable example.
EXAMPLE_COURSE = "social-media-policy"


def _shipped(name: str) -> Path | None:
    bundled = BUNDLED / name
    if bundled.is_dir():
        return bundled
    # Only a checkout of this project, never whatever else sits beside the package.
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "lms" / "paths.py").is_file():
        folder = CHECKOUT / name
        if folder.is_dir():
            return folder
    return None


def migrations_dir() -> Path | None:
    """The Alembic history of the lms_* tables that ships with this version of the LMS."""
    return _shipped("migrations")


def example_courses_dir() -> Path | None:
    """The folder holding the example course(s) that ship with the LMS."""
    return _shipped("courses")
