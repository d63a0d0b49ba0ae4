"""Running the suite on several processes (pytest-xdist, ``make test`` uses ``-n auto``).

Each worker has its own SQLite files already (a temporary folder per process); what the
workers would otherwise share is made theirs here, or made once for all of them:

- PostgreSQL: each worker gets a database of its own next to ``LMS_TEST_DATABASE_URL``'s
  (``test_gw0``, ``test_gw1``, ...), and the variable is pointed at it in that worker, so
  every test that reads it (the wheel's portal, the race tests) stays on its worker's.
- Slow builds every worker would repeat (the wheel and its virtualenv, the LRS's
  virtualenv) go through :func:`built_once`: the first worker builds under a file lock in
  the run's shared temporary folder, the others wait and reuse it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

URL_VARIABLE = "LMS_TEST_DATABASE_URL"


def worker_id() -> str:
    """``gw0``, ``gw1``, ... under pytest-xdist; ``master`` in a plain run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def give_worker_its_database() -> None:
    """Point ``LMS_TEST_DATABASE_URL`` at a database of this worker's, created empty."""
    url = os.environ.get(URL_VARIABLE)
    if not url or worker_id() == "master":
        return
    os.environ[URL_VARIABLE] = empty_database_beside(url, worker_id())


def empty_database_beside(url: str, suffix: str) -> str:
    """The URL of a new, empty PostgreSQL database named ``<url's database>_<suffix>``, on
    the same server (dropped first if a run left one)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = f"{target.database}_{suffix}"
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run sees (the parent of the workers' own folders)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id() != "master" else base


@contextmanager
def _locked(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """``folder``, built by ``build(folder)`` by whichever worker comes first (the others
    wait for it); a build that failed leaves no mark, so the next caller tries again."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(folder.name + ".done")
    with _locked(folder.with_name(folder.name + ".lock")):
        if not done.exists():
            folder.mkdir(exist_ok=True)
            build(folder)
            done.touch()
    return folder


@contextmanager
def exclusive(path: Path):
    """Hold a lock shared by every worker while the block runs (an install into the
    checkout, say, that two workers must not do at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        yield
