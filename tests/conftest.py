"""Fixtures shared by the app-level tests (the pure domain tests need none of these).

The database schema is built once per backend from the Alembic migrations, never with
``create_all``; every test then starts from empty tables. The suite runs on SQLite, and
on PostgreSQL too when ``LMS_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from app import create_app
from lms.db import Base

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_COURSES = FIXTURES / "courses"
PASSWORD = "correct-horse-battery"


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


@pytest.fixture(scope="session", params=_backends())
def database_url(request, tmp_path_factory) -> str:
    """A database with the LMS schema built from the migrations, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lms.sqlite3'}"
    else:
        url = os.environ["LMS_TEST_DATABASE_URL"]
    app = create_app(app_config(url))
    with app.app_context():
        from lms.migrate import upgrade

        drop_lms_tables(app)
        upgrade()
        app.extensions["sqlalchemy"].engine.dispose()
    return url


@pytest.fixture
def app(database_url):
    """The standalone app on a clean database.

    No app context stays pushed: a request made inside one would share its ``g`` and its
    SQLAlchemy session with the test (and with other requests), hiding bugs that a real
    server, with a fresh context per request, would show. Tests that read or write the
    database directly use ``with app.app_context():``.
    """
    app = create_app(app_config(database_url))
    yield app
    with app.app_context():
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
    from lms.courses.sync import sync_courses

    with app.app_context():
        outcomes, problems = sync_courses(FIXTURE_COURSES)
    assert not problems, [str(p) for p in problems]
    return outcomes
