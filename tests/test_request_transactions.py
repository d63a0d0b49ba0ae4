"""How an LMS request's transaction ends (``lms.web.transactions``): a transaction that
wrote nothing is committed, so PostgreSQL keeps the prepared statements of the pages
(psycopg forgets them on every rollback); one that wrote anything it did not commit is
still rolled back, whoever wrote it."""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import func, insert, select, text

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import app_config, login

MODULE = "/courses/mini/modules/basics"


@pytest.fixture
def learner(app, synced, make_person, client):
    make_person("learner@example.com")
    login(client, "learner@example.com")
    return client


def _prepared(app) -> dict[str, int]:
    """The statements prepared on the pool's connection: text -> times PostgreSQL ran
    them from their prepared form (the test client makes requests one at a time, so the
    pool holds that one connection)."""
    with app.app_context():
        rows = session.execute(
            text("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        )
        return {statement: runs for statement, runs in rows}


def test_the_pages_statements_stay_prepared_from_one_request_to_the_next(
    app, database_url, learner
):
    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's (set LMS_TEST_DATABASE_URL)")
    for _ in range(8):  # psycopg prepares a statement on its fifth run on a connection
        assert learner.get(MODULE).status_code == 200
    runs = {s: n for s, n in _prepared(app).items() if "lms_module_progress" in s}
    # Each request is its own transaction: a statement run from its prepared form in
    # three or more of them was kept across their ends (a rollback would have dropped it).
    assert runs and max(runs.values()) >= 3, runs


def _app_whose_host_code_writes_without_committing(database):
    """The standalone app plus a ``before_request`` (as a host's code could have) that
    writes a person through the shared session, ORM and Core, and never commits."""
    from app import create_app

    app = create_app(app_config(database.url))

    @app.before_request
    def uncommitted_writes():
        if request.args.get("write"):
            session.add(
                Person(email="orm@example.com", name="ORM", role="employee", status="active")
            )
            session.flush()
            session.execute(
                insert(Person).values(
                    email="core@example.com", name="Core", role="employee", status="active"
                )
            )

    return app


def test_a_transaction_that_wrote_is_rolled_back_as_before(database):
    app = _app_whose_host_code_writes_without_committing(database)
    client = app.test_client()
    assert client.get("/login?write=1").status_code == 200  # an LMS page, read-only itself
    assert client.get("/healthz?write=1").status_code == 200
    with app.app_context():
        written = session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.email.in_(["orm@example.com", "core@example.com"]))
        )
        app.extensions["sqlalchemy"].engine.dispose()
    assert written == 0
