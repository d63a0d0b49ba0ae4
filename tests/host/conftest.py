"""Fixtures for the host tier: the sample portal (tests/host/hostapp.py) embedding the LMS."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURE_COURSES, app_config, clear_tables
from tests.databases import prepared
from tests.host.hostapp import HostUser, create_host_app, db


def make_portal(database_url: str, *, lms_first: bool = False, **config):
    """A portal on the LMS test database, with its own tables, the fixture course and users."""
    app = create_host_app(app_config(database_url, **config), lms_first=lms_first)
    prepared(app, f"portal (LMS first: {lms_first})", lambda: _fill_portal(app))
    return app


def _fill_portal(app) -> None:
    with app.app_context():
        db.create_all()  # the host's own tables: the host's business, not the LMS's
        from lms.courses.sync import sync_courses

        sync_courses(FIXTURE_COURSES)
        boss = HostUser(username="boss", mail="boss@portal.example", full_name="Bea Boss")
        db.session.add(boss)
        db.session.flush()
        db.session.add_all(
            [
                HostUser(
                    username="hanna",
                    mail="Hanna@Portal.example",
                    full_name="Hanna Host",
                    department="Sales",
                    boss_id=boss.id,
                ),
                HostUser(username="hr", mail="hr@portal.example", is_hr=True),
                HostUser(username="eve", mail="eve@acme.local"),
            ]
        )
        db.session.commit()


def drop_portal(app) -> None:
    with app.app_context():
        db.session.remove()
        clear_tables(app)
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(params=["extensions-first", "lms-first"])
def host(request, database_url):
    """The portal, with the LMS initialised after its extensions and (second run) before."""
    app = make_portal(database_url, lms_first=request.param == "lms-first")
    yield app
    drop_portal(app)


@pytest.fixture
def portal(database_url):
    """The portal in the usual order (for tests where the order does not matter)."""
    app = make_portal(database_url)
    yield app
    drop_portal(app)


def sign_in(client, username: str):
    """Sign in through the portal's own form (with the portal's CSRF token)."""
    from tests.conftest import csrf_from

    page = client.get("/sign-in").get_data(as_text=True)
    return client.post("/sign-in", data={"username": username, "csrf_token": csrf_from(page)})
