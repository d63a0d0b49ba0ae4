"""Print pip constraints that pin every runtime dependency of pyproject.toml (and the
PostgreSQL driver) to its lower bound: ``make test-lowest`` runs the suite against them,
so the bounds a host's environment is held to are tested, not guessed.

A requirement without a ``>=`` bound, or with an environment marker, stops it with an
error: every runtime dependency is to have a tested lower bound."""

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())[
    "project"
]
for line in project["dependencies"] + project["optional-dependencies"]["postgres"]:
    requirement = Requirement(line)
    lows = [s.version for s in requirement.specifier if s.operator == ">="]
    if len(lows) != 1 or requirement.marker is not None:
        sys.exit(f"pyproject.toml: {line!r}: give it one '>=' lower bound and no marker")
    print(f"{requirement.name}=={lows[0]}")
    if requirement.name == "psycopg" and "binary" in requirement.extras:
        print(f"psycopg-binary=={lows[0]}")  # the extra's own package, at the same version
