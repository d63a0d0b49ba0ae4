"""Validation problems shared by the course, question and scenario validators."""

from __future__ import annotations

from dataclasses import dataclass

PathPart = str | int
MAX_MESSAGE = 300


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a piece of course data.

    ``path`` locates the offending value inside the data that was validated, as a tuple
    of mapping keys and list indexes (``("nodes", 3, "choices", 0, "next")``). The course
    checker turns it into ``file:line`` using the line numbers recorded when the YAML was
    loaded; the domain never needs to know about files or lines.
    """

    path: tuple[PathPart, ...]
    message: str

    def __post_init__(self) -> None:
        # A message quoting a huge value (a 5 MB string) stays readable and small.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE - 1] + "…")

    def under(self, *prefix: PathPart) -> Problem:
        """The same problem, located under ``prefix`` in an enclosing document."""
        return Problem(tuple(prefix) + self.path, self.message)
