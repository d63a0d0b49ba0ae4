"""Fixtures shared by the app-level tests (the pure domain tests need none of these).

The database schema is built once per backend from the Alembic migrations, never with
``create_all``; every test then starts from empty tables (on SQLite its own copy of the
migrated file; see tests/databases.py, which also makes ``synced`` and the demo a copy
once they have been built). The suite runs on SQLite, and on PostgreSQL too when
``LMS_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import text

from app import create_app
from lms.db import Base
from tests.databases import Database, Databases, prepared
from tests.workers import give_worker_its_database

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_COURSES = FIXTURES / "courses"
PASSWORD = "correct-horse-battery"
SHARED_MEMORY = "/dev/shm"

# Property tests check what holds, not how fast one example runs: on a loaded CI machine a
# 200 ms per-example deadline failed a chart test that passes every example.
settings.register_profile("lms", deadline=None)
settings.load_profile("lms")


def pytest_configure(config) -> None:
    """Under pytest-xdist, this worker's own PostgreSQL database (see tests/workers.py)."""
    give_worker_its_database()


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("LMS_TEST_DATABASE_URL") else ["sqlite"]


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "LMS_COURSES_DIR": str(FIXTURE_COURSES),
        "LMS_MAIL_BACKEND": "memory",
        "LMS_BASE_URL": "http://lms.test",
        "LMS_LOGIN_RATE_LIMIT": "1000 per minute",
        "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
        "LMS_PASSWORD_RESET_RATE_LIMIT": "1000 per minute",
        "LMS_TODAY": None,
        "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production keeps scrypt
        **extra,
    }


def drop_lms_tables(app) -> None:
    engine = app.extensions["sqlalchemy"].engine
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS lms_alembic_version"))


def clear_tables(app) -> None:
    engine = app.extensions["sqlalchemy"].engine
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the whole run, for every app a test makes.

    Each test builds new apps, and each new app's Jinja environment would compile every
    template it renders again (most of a first request's time). Jinja checks each entry
    against the template's source, so an edited or different template is compiled anew.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def shared_template_bytecode() -> Iterator[None]:
    """Every Flask app made during the run shares one Jinja bytecode cache."""
    options = Flask.jinja_options
    Flask.jinja_options = {**options, "bytecode_cache": _SharedBytecode()}
    yield
    Flask.jinja_options = options


@pytest.fixture(scope="session", params=_backends())
def databases(request, tmp_path_factory) -> Iterator[Databases]:
    """One backend's test databases: the LMS schema built from the migrations, once.

    SQLite files live in memory (/dev/shm) where there is one: a commit there costs no
    disk flush, which was a tenth of the suite's time.
    """
    in_memory = None
    if request.param == "sqlite":
        if os.access(SHARED_MEMORY, os.W_OK):
            root = in_memory = Path(tempfile.mkdtemp(prefix="lms-tests-", dir=SHARED_MEMORY))
        else:
            root = tmp_path_factory.mktemp("db")
        found = Databases("sqlite", root=root, migrated=root / "migrated.sqlite3")
        url = f"sqlite:///{found.migrated}"
    else:
        url = os.environ["LMS_TEST_DATABASE_URL"]
        found = Databases("postgresql", url=url)
    app = create_app(app_config(url))
    with app.app_context():
        from lms.migrate import upgrade

        drop_lms_tables(app)
        upgrade()
        app.extensions["sqlalchemy"].engine.dispose()
    yield found
    if in_memory is not None:
        shutil.rmtree(in_memory, ignore_errors=True)


@pytest.fixture
def database(databases) -> Iterator[Database]:
    """This test's database: on SQLite a fresh copy of the migrated one (see tests/databases.py)."""
    database = databases.new()
    yield database
    database.close()


@pytest.fixture
def database_url(database) -> str:
    """The URL of this test's database, with the LMS schema and no rows."""
    return database.url


@pytest.fixture(scope="module")
def module_database(databases) -> Iterator[Database]:
    """A database shared by the tests of one module (for module-scoped servers)."""
    database = databases.new()
    yield database
    database.close()


@pytest.fixture
def app(database):
    """The standalone app on a clean database.

    No app context stays pushed: a request made inside one would share its ``g`` and its
    SQLAlchemy session with the test (and with other requests), hiding bugs that a real
    server, with a fresh context per request, would show. Tests that read or write the
    database directly use ``with app.app_context():``.
    """
    app = create_app(app_config(database.url))
    yield app
    with app.app_context():
        if not database.databases.copies:  # a shared database: empty it for the next test
            clear_tables(app)
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def app_ctx(app):
    """The app with an app context pushed, for tests that make no requests."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form, then POST it with its CSRF token (as a browser does)."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)


def login(client, email: str, password: str = PASSWORD, **kwargs):
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


@pytest.fixture
def make_person(app):
    """Create a person who can sign in with ``PASSWORD``."""
    from lms.accounts import services

    def make(email: str, role: str = "employee", manager_id: int | None = None, **kwargs):
        kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("name", email.split("@")[0].title())
        with app.app_context():
            person = services.create_person(email=email, role=role, **kwargs)
            if manager_id:
                person.manager_id = manager_id
                services.session.commit()
            return SimpleNamespace(
                id=person.id,
                email=person.email,
                role=person.role,
                name=person.name,
                password_hash=person.password_hash,
            )

    return make


@pytest.fixture
def synced(app):
    """The fixture courses synced into the database."""
    return sync_courses_once(app, FIXTURE_COURSES)


def sync_courses_once(app, root: Path):
    """``sync_courses(root)``, which must find no problems, on the test's database (or a
    copy of what it made there before). Only for folders no test edits."""
    from lms.courses.sync import sync_courses

    def sync():
        with app.app_context():
            outcomes, problems = sync_courses(root)
        assert not problems, [str(p) for p in problems]
        return outcomes

    return prepared(app, f"sync {root}", sync)


def load_demo(app, runner) -> None:
    """``flask lms demo`` on the test's database (or a copy of what it made there before)."""

    def run():
        result = runner.invoke(args=["lms", "demo"])
        assert result.exit_code == 0, result.output

    prepared(app, "demo", run)
