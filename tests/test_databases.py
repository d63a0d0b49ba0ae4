"""The test databases (tests/databases.py): a prepared step is copied only when copying it
is the same as running it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app import create_app
from lms.accounts.models import Person
from lms.courses.models import CourseVersion
from lms.db import session
from tests.conftest import FIXTURE_COURSES, app_config
from tests.databases import Databases, prepared


@pytest.fixture
def new_app(databases, tmp_path) -> Iterator:
    """Apps on databases of this test's own (its prepared steps are not the session's)."""
    if not databases.copies:
        pytest.skip("PostgreSQL runs every step for real")
    own = Databases("sqlite", root=tmp_path, migrated=databases.migrated)
    opened = []

    def make(**config):
        database = own.new()
        app = create_app(app_config(database.url, **config))
        opened.append((database, app))
        return app

    yield make
    for database, app in opened:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
        database.close()


class Sync:
    """The fixture courses' sync as a prepared step, counting the real runs."""

    def __init__(self):
        self.runs = 0

    def __call__(self, app):
        from lms.courses.sync import sync_courses

        def build():
            self.runs += 1
            with app.app_context():
                outcomes, problems = sync_courses(FIXTURE_COURSES)
            assert not problems
            return outcomes

        return prepared(app, "sync", build)


def versions(app) -> int:
    with app.app_context():
        return session.scalar(select(func.count()).select_from(CourseVersion))


def test_the_second_database_gets_a_copy_and_the_same_value(new_app):
    sync = Sync()
    first, second = new_app(), new_app()
    assert sync(first) == sync(second)
    assert sync.runs == 1
    assert versions(first) == versions(second) > 0


def test_a_database_written_to_first_runs_the_step_for_real(new_app):
    sync = Sync()
    sync(new_app())
    app = new_app()
    with app.app_context():
        session.add(Person(email="first@example.com", name="First", role="employee"))
        session.commit()
    sync(app)
    assert sync.runs == 2
    with app.app_context():
        assert session.scalar(select(Person.email)) == "first@example.com"
    assert versions(app) > 0


def test_other_settings_are_another_step(new_app):
    sync = Sync()
    sync(new_app())
    sync(new_app(LMS_TODAY="2027-01-01"))
    assert sync.runs == 2


def test_a_step_that_leaves_state_in_the_app_is_never_copied(new_app):
    from lms import mail

    runs = []

    def step(app):
        def build():
            runs.append(app)
            with app.app_context():
                mail.outbox().append("a delivered mail")

        prepared(app, "mail", build)

    first, second = new_app(), new_app()
    step(first)
    step(second)
    assert runs == [first, second]
    with second.app_context():
        assert mail.outbox() == ["a delivered mail"]
