"""Test databases: a fresh one per test, and prepared states made once and then copied.

Most of a test's setup used to be work every test repeated: migrating (once), then per
test syncing the fixture courses, loading the demo organisation, clearing the tables.

On SQLite every test (or module) gets its own file, a copy of one migrated by Alembic
once per session, and the file is thrown away afterwards: nothing to clear. Setup that
only writes to the database (a course sync, the demo) goes through :func:`prepared`: the
first test that needs it runs it for real, and the file it leaves is kept; a later test
whose database is in the same state (untouched since its copy was made, and built through
the same steps) with the same ``LMS_*`` settings gets a copy of that file instead, and the
value the first run returned. A test whose database was written to first, or whose build
leaves anything in the app besides rows (a delivered mail, a cache), runs the real thing.

On PostgreSQL (``LMS_TEST_DATABASE_URL``) nothing is copied: every test shares the one
database, builds everything for real and the ``app`` fixture empties the tables after it,
as before.
"""

from __future__ import annotations

import copy
import itertools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask

T = TypeVar("T")

#: The SQLite databases of the running tests, by URL (how ``prepared`` finds an app's).
_OPEN: dict[str, Database] = {}


@dataclass
class Snapshot:
    path: Path | None  # None: this step leaves app state behind, so it is always run
    value: Any = None


@dataclass
class Databases:
    """One backend's databases for the session: the migrated file and the snapshots."""

    backend: str
    url: str = ""  # PostgreSQL: the one shared database
    root: Path | None = None  # SQLite: where the files live
    migrated: Path | None = None
    snapshots: dict[tuple, Snapshot] = field(default_factory=dict)
    _numbers: itertools.count = field(default_factory=itertools.count)

    @property
    def copies(self) -> bool:
        return self.backend == "sqlite"

    def new(self) -> Database:
        """A database for one test (or one module), at the migrated schema."""
        if not self.copies:
            return Database(self, self.url)
        path = self.root / f"db-{next(self._numbers)}.sqlite3"
        shutil.copyfile(self.migrated, path)
        database = Database(self, f"sqlite:///{path}", path)
        database.stamp = database.file_state()
        _OPEN[database.url] = database
        return database

    def keep(self, source: Path) -> Path:
        target = self.root / f"snapshot-{next(self._numbers)}.sqlite3"
        shutil.copyfile(source, target)
        return target


@dataclass
class Database:
    """One test's database; on SQLite it remembers the prepared steps it is the result of."""

    databases: Databases
    url: str
    path: Path | None = None
    steps: tuple = ()  # the prepared steps behind the file, while it is untouched since
    stamp: tuple | None = None  # the file as those steps left it; None once written to

    def file_state(self) -> tuple:
        info = os.stat(self.path)
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def untouched(self) -> bool:
        journal = Path(f"{self.path}-journal")
        return self.stamp is not None and self.stamp == self.file_state() and not journal.exists()

    def close(self) -> None:
        if self.path is not None:
            _OPEN.pop(self.url, None)
            self.path.unlink(missing_ok=True)
            Path(f"{self.path}-journal").unlink(missing_ok=True)


def _settings(app: Flask) -> tuple:
    """What a build may depend on besides the database: the app and its LMS settings (and
    the real date, for builds that count days from it)."""
    lms = sorted((k, repr(v)) for k, v in app.config.items() if k.startswith("LMS_"))
    return (app.import_name, type(app.extensions.get("sqlalchemy")).__name__, date.today(), *lms)


def _app_state(app: Flask) -> dict:
    """What the LMS keeps in the app (mails delivered in memory, caches), by size."""
    state = app.extensions["lms"].extra
    return {k: len(v) if hasattr(v, "__len__") else repr(v) for k, v in state.items()}


def _dispose(app: Flask) -> None:
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


def prepared(app: Flask, name: str, build: Callable[[], T]) -> T:
    """``build()`` (setup that writes rows) on ``app``'s test database, or a copy of the
    database an identical earlier ``build()`` left, and the value it returned then."""
    database = _OPEN.get(app.config["SQLALCHEMY_DATABASE_URI"])
    if database is None or not database.untouched():
        if database is not None:
            database.stamp = None
        return build()
    key = (*database.steps, (name, _settings(app)))
    snapshot = database.databases.snapshots.get(key)
    if snapshot is not None and snapshot.path is not None:
        _dispose(app)
        staged = Path(f"{database.path}.new")
        shutil.copyfile(snapshot.path, staged)
        os.replace(staged, database.path)
        database.steps, database.stamp = key, database.file_state()
        return copy.deepcopy(snapshot.value)
    with app.app_context():
        pass  # as the copy above does: a host's extensions are adopted on the first push
    before = _app_state(app)
    value = build()
    if snapshot is not None or _app_state(app) != before or not _quiet(database):
        database.databases.snapshots[key] = Snapshot(None)
        database.stamp = None
        return value
    database.databases.snapshots[key] = Snapshot(
        database.databases.keep(database.path), copy.deepcopy(value)
    )
    database.steps, database.stamp = key, database.file_state()
    return value


def _quiet(database: Database) -> bool:
    """No transaction is open on the file (its content is what the build committed)."""
    return not Path(f"{database.path}-journal").exists()
