"""The ``flask lms`` command group: ``group`` makes it, and each module here adds one
group of commands to it (importing them here registers them)."""

from __future__ import annotations

from lms.cli import certification, courses, demo, mail, people, schema  # noqa: F401
from lms.cli.group import lms_cli

__all__ = ["lms_cli"]
