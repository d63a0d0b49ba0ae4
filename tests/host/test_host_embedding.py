"""The LMS embedded in a portal that has its own db, users, login, layout, CSRF and limits.

Most tests run twice: with the LMS initialised after the portal's extensions and before
them, since a host may write its factory either way.
"""

from __future__ import annotations

import pytest
from flask import appcontext_pushed
from sqlalchemy import inspect, select

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import app_config
from tests.host.conftest import sign_in
from tests.host.hostapp import HostUser, create_host_app, db


def people(app) -> list[Person]:
    with app.app_context():
        return list(session.scalars(select(Person).order_by(Person.id)))


# --- a guest changes nothing it was not asked to ------------------------------------------


def _surface(app) -> dict:
    """What an extension could change on an app, in comparable form."""
    with app.app_context():
        pass  # lets a deferred adjustment happen, as the first request or command would
    return {
        "config": {k for k in app.config if not k.startswith("LMS_")},
        "jinja_globals": set(app.jinja_env.globals),
        "jinja_filters": set(app.jinja_env.filters),
        "context_processors": len(app.template_context_processors[None]),
        "before_request": len(app.before_request_funcs.get(None, [])),
        "after_request": len(app.after_request_funcs.get(None, [])),
        "teardown": len(app.teardown_request_funcs.get(None, [])),
        "error_handlers": {
            code: set(h) for code, h in app.error_handler_spec.get(None, {}).items()
        },
        "extensions": set(app.extensions) - {"lms"},
        "limiters": len(app.extensions.get("limiter", ())),
        "converters": set(app.url_map.converters) - {"lms_id"},
        "cli": set(app.cli.commands) - {"lms"},
        "pushed_receivers": len(
            appcontext_pushed.receivers_for(app) and list(appcontext_pushed.receivers_for(app))
        ),
    }


@pytest.mark.parametrize("lms_first", [False, True])
def test_the_lms_adds_nothing_app_wide_beyond_its_blueprint(database_url, lms_first):
    bare = create_host_app(app_config(database_url), with_lms=False)
    embedded = create_host_app(app_config(database_url), lms_first=lms_first)
    assert _surface(embedded) == _surface(bare)
    assert "babel" not in embedded.extensions  # no Flask-Babel instance of ours
    assert {name for name in embedded.blueprints if not name.startswith("lms")} == {"auth"}
    with embedded.app_context():
        embedded.extensions["sqlalchemy"].engine.dispose()


def test_reuses_the_hosts_singletons(host):
    state = host.extensions["lms"]
    assert state.mode == "host" and state.standalone is False
    assert state.db is db  # no second Flask-SQLAlchemy
    assert state.login_manager is host.login_manager  # no second LoginManager


def test_host_pages_still_work(host):
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "Portal home for guest"


def test_lms_pages_live_under_the_prefix(host):
    client = host.test_client()
    assert client.get("/training/healthz").get_json() == {"status": "ok"}
    assert client.get("/healthz").status_code == 404


def test_host_rate_limits_and_exemptions_are_unchanged(database_url):
    from tests.host.conftest import drop_portal, make_portal

    app = make_portal(database_url, RATELIMIT_DEFAULT="3 per minute")
    try:
        client = app.test_client()
        assert [client.get("/ping").status_code for _ in range(10)] == [200] * 10  # exempt
        assert [client.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert len(app.extensions["limiter"]) == 1  # the portal's limiter only
    finally:
        drop_portal(app)


def test_host_csrf_still_guards_host_forms_but_not_the_token_api(host):
    with host.app_context():
        from lms.api.auth import create_token

        _, token = create_token("Portal HR")
    client = host.test_client()
    assert client.post("/notes").status_code == 400  # the host's CSRFProtect at work
    response = client.post(
        "/training/api/v1/people",
        headers={"Authorization": f"Bearer {token}"},
        json={"email": "new@portal.example", "name": "Nia New"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)


# --- init: explicit mode, any order -----------------------------------------------------


def test_the_mode_must_be_said():
    from flask import Flask

    from lms import LMS
    from lms.extension import LMSConfigError

    with pytest.raises(LMSConfigError, match="mode='host'"):
        LMS(Flask(__name__))


def test_standalone_mode_refuses_an_app_that_signs_people_in_itself():
    from flask import Flask
    from flask_login import LoginManager

    from lms import LMS
    from lms.extension import LMSConfigError

    app = Flask(__name__)
    LoginManager(app)
    with pytest.raises(LMSConfigError, match="mode='host'"):
        LMS(app, mode="standalone")


def test_host_mode_without_flask_login_says_what_is_missing(database_url):
    from flask import Flask
    from flask_login import LoginManager  # noqa: F401 - the host forgot to init it
    from flask_sqlalchemy import SQLAlchemy

    from lms import LMS
    from lms.extension import LMSConfigError

    app = Flask(__name__)
    app.config.update(app_config(database_url))
    SQLAlchemy().init_app(app)
    LMS(app, mode="host")
    with (
        app.test_request_context("/training/"),
        pytest.raises(LMSConfigError, match="login_manager.init_app"),
    ):
        app.extensions["lms"].login_manager  # noqa: B018


def test_sign_in_goes_through_the_host(host):
    client = host.test_client()
    response = client.get("/training/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/training/login").status_code == 404  # no LMS sign-in page in a host


# --- provisioning -------------------------------------------------------------------------


def test_host_user_maps_to_a_person_through_the_identity_hook(host):
    client = host.test_client()
    sign_in(client, "hanna")
    page = client.get("/training/")
    assert page.status_code == 200
    assert "Mini policy course" in page.get_data(as_text=True)
    assert client.get("/training/courses/mini/").status_code == 200
    with host.app_context():
        person = session.scalar(select(Person).where(Person.email == "hanna@portal.example"))
        assert person.external_id.startswith("host:") and person.name == "Hanna Host"
        assert person.department == "Sales"
    client.get("/training/")  # a second visit reuses the same person
    assert [p.email for p in people(host)] == ["hanna@portal.example"]


def test_the_hook_decides_roles(host):
    client = host.test_client()
    sign_in(client, "hr")
    client.get("/training/")
    assert people(host)[0].role == "admin"


def test_special_use_intranet_domains_are_accepted(host):
    client = host.test_client()
    sign_in(client, "eve")
    assert client.get("/training/").status_code == 200
    assert people(host)[0].email == "eve@acme.local"


def test_profile_changes_in_the_host_reach_the_person(portal):
    client = portal.test_client()
    sign_in(client, "boss")
    client.get("/training/")
    client = portal.test_client()
    sign_in(client, "hanna")
    client.get("/training/")
    with portal.app_context():
        hanna = db.session.scalar(select(HostUser).filter_by(username="hanna"))
        hanna.mail, hanna.full_name, hanna.department = (
            "hanna.h@portal.example",
            "Hanna H.",
            "Support",
        )
        db.session.commit()
    client.get("/training/")
    with portal.app_context():
        person = session.scalar(
            select(Person).where(Person.external_id.like("host:%"), Person.name == "Hanna H.")
        )
        boss = session.scalar(select(Person).where(Person.email == "boss@portal.example"))
        assert person.email == "hanna.h@portal.example"  # matched by the host's id, not e-mail
        assert person.department == "Support" and person.manager_id == boss.id
    assert len(people(portal)) == 2


def test_a_person_imported_before_the_first_visit_is_linked_by_email(portal):
    with portal.app_context():
        from lms.accounts import services

        services.create_person(email="hanna@portal.example", name="Imported Hanna")
    client = portal.test_client()
    sign_in(client, "hanna")
    assert client.get("/training/").status_code == 200
    (person,) = people(portal)
    assert person.external_id.startswith("host:") and person.name == "Hanna Host"


def test_an_email_owned_by_another_host_user_is_refused_not_taken_over(portal):
    with portal.app_context():
        from lms.accounts import services

        services.create_person(email="hanna@portal.example", name="Someone", external_id="host:999")
    client = portal.test_client()
    sign_in(client, "hanna")
    assert client.get("/training/").status_code == 403
    assert client.get("/").status_code == 200  # the host's own session and pages still work
    assert [p.external_id for p in people(portal)] == ["host:999"]


def test_profile_sync_can_be_switched_off(database_url):
    from tests.host.conftest import drop_portal, make_portal

    app = make_portal(database_url, LMS_SYNC_PROFILE=False)
    try:
        client = app.test_client()
        sign_in(client, "hanna")
        client.get("/training/")
        with app.app_context():
            db.session.scalar(select(HostUser).filter_by(username="hanna")).full_name = "Renamed"
            db.session.commit()
        client.get("/training/")
        assert people(app)[0].name == "Hanna Host"
    finally:
        drop_portal(app)


# --- layout and links ---------------------------------------------------------------------


def test_lms_pages_sit_in_the_host_layout(host):
    client = host.test_client()
    sign_in(client, "hanna")
    html = client.get("/training/").get_data(as_text=True)
    assert 'class="portal-bar"' in html and "Sign out of Acme" in html  # the host's base
    assert 'aria-label="Training"' in html and "My training" in html  # the LMS's own nav
    assert "lms.css" in html and "portal-bar { background" in html  # both heads kept
    assert "lms-layout.css" not in html  # the LMS's page chrome is not used


def test_the_lms_layout_in_a_host_links_home_and_to_the_hosts_sign_out(database_url):
    from tests.host.conftest import drop_portal, make_portal

    app = make_portal(database_url, LMS_BASE_TEMPLATE="lms/layout.html")
    try:
        client = app.test_client()
        sign_in(client, "hanna")
        html = client.get("/training/").get_data(as_text=True)
        assert 'href="/">Portal home' in html
        assert 'href="/sign-out">Sign out' in html
    finally:
        drop_portal(app)


def test_templates_can_be_overridden_by_the_host(host):
    from jinja2 import ChoiceLoader, DictLoader

    host.jinja_loader  # noqa: B018 - make sure the default loader exists
    host.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"lms/error.html": "host-branded error {{ code }}"}),
            host.jinja_env.loader,
        ]
    )
    host.extensions["lms"].extra.pop("jinja_env", None)  # rebuilt from the new loader
    client = host.test_client()
    sign_in(client, "hanna")
    response = client.get("/training/courses/does-not-exist/")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "host-branded error 404"


@pytest.mark.parametrize(
    "base_url",
    ["https://portal.example", "https://portal.example/", "https://portal.example/training"],
)
def test_certificate_links_have_one_prefix(database_url, base_url):
    app = create_host_app(app_config(database_url, LMS_BASE_URL=base_url))
    from lms.web.urls import absolute_url

    with app.app_context():
        assert (
            absolute_url("lms.certification.verify", code="ABC")
            == "https://portal.example/training/verify/ABC"
        )
        app.extensions["sqlalchemy"].engine.dispose()


def test_links_follow_the_apps_mount_point(database_url):
    app = create_host_app(app_config(database_url, LMS_BASE_URL="https://example.com/portal"))
    from lms.web.urls import absolute_url

    with app.app_context():
        assert absolute_url("lms.home.index") == "https://example.com/portal/training/"
    app.config["LMS_BASE_URL"] = None
    with app.test_request_context("/training/", base_url="https://intranet.example/portal/"):
        assert absolute_url("lms.home.index") == "https://intranet.example/portal/training/"
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


def test_host_tables_and_lms_tables_side_by_side(host):
    with host.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert "host_user" in names and "lms_person" in names


def test_the_api_document_follows_the_prefix(host):
    with host.app_context():
        from lms.api.auth import create_token

        _, plaintext = create_token("Portal HR")
    client = host.test_client()
    assert (
        client.get("/training/api/v1/openapi.json").get_json()["servers"][0]["url"]
        == "/training/api/v1"
    )
    auth = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/training/api/v1/people", headers=auth).get_json()["total"] == 0
    assert client.get("/training/api/v1/people").status_code == 401
    missing = client.get("/training/api/v1/nowhere", headers=auth)
    assert missing.status_code == 404 and missing.is_json  # JSON, not the host's page
    assert client.get("/api/v1/openapi.json").status_code == 404


def test_globals_the_host_adds_later_reach_lms_templates_and_ours_stay_out(host):
    """The LMS's template globals are its own dict, kept in step with the host's."""
    from jinja2 import ChoiceLoader, DictLoader

    host.jinja_loader  # noqa: B018 - make sure the default loader exists
    host.jinja_env.loader = ChoiceLoader(
        [DictLoader({"lms/error.html": "{{ portal_motto }} {{ code }}"}), host.jinja_env.loader]
    )
    host.extensions["lms"].extra.pop("jinja_env", None)  # rebuilt from the new loader
    client = host.test_client()
    sign_in(client, "hanna")
    assert client.get("/training/courses/nope/").get_data(as_text=True) == " 404"
    host.jinja_env.globals["portal_motto"] = "Learn well"  # after the LMS's first render
    assert client.get("/training/courses/nope/").get_data(as_text=True) == "Learn well 404"
    host.jinja_env.globals["portal_motto"] = "Learn more"
    assert client.get("/training/courses/nope/").get_data(as_text=True) == "Learn more 404"
    del host.jinja_env.globals["portal_motto"]
    assert client.get("/training/courses/nope/").get_data(as_text=True) == " 404"
    assert not {"_", "lms_person", "lms_date", "lms_languages"} & set(host.jinja_env.globals)
