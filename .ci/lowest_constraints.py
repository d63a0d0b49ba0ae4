"""Print pip constraints that pin every runtime dependency of pyproject.toml (and the
PostgreSQL driver) to its lower bound: ``make test-lowest`` runs the suite against them,
so the bounds a host's environment is held to are tested, not guessed."""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())[
    "project"
]
for requirement in project["dependencies"] + project["optional-dependencies"]["postgres"]:
    found = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?[^>]*>=\s*([^,;\s]+)", requirement)
    if found:
        name, extras, low = found.groups()
        print(f"{name}=={low}")
        if name == "psycopg" and extras and "binary" in extras:
            print(f"psycopg-binary=={low}")  # the extra's own package, at the same version
