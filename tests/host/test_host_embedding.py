"""The LMS embedded in a bare host app that has its own db, users and login."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import FIXTURE_COURSES, app_config, clear_tables
from tests.host.hostapp import HostUser, create_host_app, db


@pytest.fixture
def host(database_url):
    app = create_host_app(app_config(database_url))
    with app.app_context():
        db.create_all()  # the host's own tables: the host's business, not the LMS's
        from lms.courses.sync import sync_courses

        sync_courses(FIXTURE_COURSES)
        db.session.add_all([HostUser(username="hanna", mail="Hanna@Portal.example"),
                            HostUser(username="hr", mail="hr@portal.example", is_hr=True)])
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        clear_tables(app)
        db.drop_all()
        db.engine.dispose()


def test_reuses_the_hosts_singletons(host):
    state = host.extensions["lms"]
    assert state.db is db  # no second Flask-SQLAlchemy
    assert state.login_manager is host.login_manager  # no second LoginManager
    assert state.standalone is False


def test_host_pages_still_work(host):
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "Portal home for guest"


def test_lms_pages_live_under_the_prefix(host):
    client = host.test_client()
    assert client.get("/training/healthz").get_json() == {"status": "ok"}
    assert client.get("/healthz").status_code == 404


def test_sign_in_goes_through_the_host(host):
    client = host.test_client()
    response = client.get("/training/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/training/login").status_code == 404  # no LMS sign-in page in a host


def test_host_user_maps_to_a_person_through_the_hook(host):
    client = host.test_client()
    client.post("/sign-in", data={"username": "hanna"})
    page = client.get("/training/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mini policy course" in html
    assert client.get("/training/courses/mini/").status_code == 200
    with host.app_context():
        person = session.scalar(select(Person).where(Person.email == "hanna@portal.example"))
        assert person is not None and person.external_id.startswith("host:")
    # A second visit reuses the same person.
    client.get("/training/")
    with host.app_context():
        assert session.query(Person).count() == 1


def test_hook_decides_roles(host):
    client = host.test_client()
    client.post("/sign-in", data={"username": "hr"})
    client.get("/training/")
    with host.app_context():
        assert session.scalar(select(Person.role).where(Person.email == "hr@portal.example")) == "admin"


def test_host_tables_and_lms_tables_side_by_side(host):
    with host.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert "host_user" in names and "lms_person" in names


def test_templates_can_be_overridden_by_the_host(host, tmp_path):
    # A host template folder wins over the LMS's, so any page can be re-skinned.
    from jinja2 import ChoiceLoader, DictLoader

    host.jinja_loader  # noqa: B018 - make sure the default loader exists
    host.jinja_env.loader = ChoiceLoader([
        DictLoader({"lms/error.html": "host-branded error {{ code }}"}),
        host.jinja_env.loader,
    ])
    client = host.test_client()
    client.post("/sign-in", data={"username": "hanna"})
    response = client.get("/training/courses/does-not-exist/")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "host-branded error 404"
