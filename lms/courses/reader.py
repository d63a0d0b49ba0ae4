"""Reading the files of a course folder, collecting problems as ``path:line: message``.

:class:`Reader` reads each file at most once, keeps its bytes for the content hash, and
reports a missing, oversized, non-UTF-8 or unparsable file where it was named.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context

from lms.courses import yamlfile
from lms.domain.problems import MAX_MESSAGE, Problem

# An unquoted prose value with " #" in it: YAML silently cuts the text at the "#".
PROSE_WITH_COMMENT = re.compile(
    r"^\s*(?:-\s+)?(?:text|prompt|feedback|debrief|summary|title|left|right):\s+[^\s\"'|>].*?\s#"
)

#: The file-size cap outside an app (``LMS_COURSE_FILE_MAX_BYTES`` inside one).
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class CourseProblem:
    """A problem in a course file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def display_path(folder: Path, rel: str) -> str:
    """How problems name a course file: relative to the working directory when possible."""
    path = Path(folder) / rel
    try:
        return os.path.relpath(path)
    except ValueError:  # different drive on Windows
        return str(path)


@dataclass
class Reader:
    """Collects problems and the bytes of every file read (for the content hash)."""

    folder: Path
    problems: list[CourseProblem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def display(self, rel: str) -> str:
        return display_path(self.folder, rel)

    def add(self, rel: str, line: int, message: str) -> None:
        if len(message) > MAX_MESSAGE:  # never echo a whole (huge) value
            message = message[: MAX_MESSAGE - 1] + "…"
        self.problems.append(CourseProblem(self.display(rel), line, message))

    def add_problems(self, rel: str, data: Any, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(rel, yamlfile.line_of(data, p.path), p.message)

    def read_text(self, rel: str, where: tuple[str, int]) -> str | None:
        """Read a file named by another file; a bad name is reported where it was written."""
        path = (self.folder / rel).resolve()
        if self.folder.resolve() not in path.parents:
            self.add(where[0], where[1], f"{rel!r} points outside the course folder")
            return None
        if not path.is_file():
            self.add(where[0], where[1], f"file not found: {rel}")
            return None
        limit = (
            int(current_app.config["LMS_COURSE_FILE_MAX_BYTES"])
            if has_app_context()
            else MAX_FILE_BYTES
        )
        size = path.stat().st_size
        if size > limit:
            self.add(
                rel,
                1,
                f"the file is {size:,} bytes; course files may have at most {limit:,} "
                "(LMS_COURSE_FILE_MAX_BYTES): split it",
            )
            return None
        raw = path.read_bytes()
        self.files[rel] = raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.add(rel, raw[: exc.start].count(b"\n") + 1, "not valid UTF-8")
            return None

    def read_yaml(self, rel: str, where: tuple[str, int]):
        text = self.read_text(rel, where)
        if text is None:
            return None
        for number, line in enumerate(text.splitlines(), start=1):
            if PROSE_WITH_COMMENT.match(line):
                self.add(
                    rel,
                    number,
                    "' #' starts a YAML comment, so the rest of this text is dropped: "
                    "put the text in quotes",
                )
        try:
            return yamlfile.load(text)
        except yamlfile.YAMLError as exc:
            self.add(rel, exc.line, f"invalid YAML: {exc}")
            return None


def find_course_folders(root: Path) -> list[Path]:
    """Folders under ``root`` holding a ``course.yaml`` (or ``root`` itself)."""
    if (root / "course.yaml").is_file():
        return [root]
    return sorted(p.parent for p in root.glob("*/course.yaml"))


def content_hash(files: dict[str, bytes]) -> str:
    """sha256 over every file the course is made of (names and bytes, in name order)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()
