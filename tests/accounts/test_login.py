"""Standalone sign-in: hashing, generic errors, CSRF, rate limit, safe redirects."""

import pytest

from app import create_app
from lms.accounts.models import Person
from lms.db import session
from tests.conftest import PASSWORD, app_config, csrf_from, login


def test_password_is_hashed(app, make_person):
    person = make_person("ann@example.com")
    assert person.password_hash and PASSWORD not in person.password_hash
    assert person.password_hash.startswith("pbkdf2:sha256:1000$")  # the configured method


def test_default_hash_method_is_scrypt(app):
    assert app.config["LMS_PASSWORD_HASH_METHOD"] != "scrypt"  # tests override it...
    from lms.config import DEFAULTS

    assert DEFAULTS["LMS_PASSWORD_HASH_METHOD"] == "scrypt"  # ...production does not


def test_sign_in_and_reach_home(client, make_person):
    make_person("ann@example.com")
    response = login(client, "ann@example.com")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "My training" in page and "Ann" in page


def test_email_is_case_insensitive(client, make_person):
    make_person("Ann@Example.com")
    assert login(client, "ANN@example.COM").status_code == 302


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "email,password",
    [
        ("ann@example.com", "wrong-password-1"),
        ("nobody@example.com", PASSWORD),
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_wrong_credentials_get_one_generic_message(client, make_person, email, password):
    make_person("ann@example.com")
    response = login(client, email, password)
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "The e-mail address or password is not right." in body
    assert "no account" not in body.lower()
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_person_cannot_sign_in(client, make_person):
    make_person("gone@example.com", status="inactive")
    assert login(client, "gone@example.com").status_code == 401


def test_missing_csrf_token_is_refused(client, make_person):
    make_person("ann@example.com")
    response = client.post("/login", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code != 302
    assert client.get("/").status_code == 302


def test_forms_render_labels_and_csrf(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert '<label for="email">' in html and '<label for="password">' in html


def test_next_parameter_is_same_site_only(client, make_person):
    make_person("ann@example.com")
    html = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login?next=https://evil.example/steal",
        data={"csrf_token": csrf_from(html), "email": "ann@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_sign_out_needs_post_with_csrf(client, make_person):
    make_person("ann@example.com")
    login(client, "ann@example.com")
    assert client.get("/logout").status_code == 405
    html = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert client.get("/").status_code == 302


def test_login_attempts_are_rate_limited(database_url, app):
    limited = create_app(app_config(database_url, LMS_LOGIN_RATE_LIMIT="3 per minute"))
    client = limited.test_client()
    codes = [login(client, "x@example.com", "whatever-wrong").status_code for _ in range(4)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429


def test_an_operators_app_wide_limit_still_applies(database_url, app):
    """The limiter's per-request check is dropped only while there is nothing for it
    to check: an app-wide limit set in the config still limits every page."""
    plain = create_app(app_config(database_url))
    assert [plain.test_client().get("/healthz").status_code for _ in range(4)] == [200] * 4
    limited = create_app(app_config(database_url, RATELIMIT_APPLICATION="3 per minute"))
    client = limited.test_client()
    assert [client.get("/healthz").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_person_email_unique_regardless_of_case(app, make_person):
    make_person("ann@example.com")
    with pytest.raises(ValueError, match="already exists"):
        make_person("ANN@example.com")
    with app.app_context():
        assert session.query(Person).count() == 1
