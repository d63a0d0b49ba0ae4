"""Sign-ins the server revokes, password resets, cookie flags and security headers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import LoginSession, PasswordReset
from lms.db import session
from tests.conftest import PASSWORD, app_config, csrf_from, login, post_form
from tests.outbox.helpers import deliver_mail


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _copy_cookies(source, target, *names):
    for name in names:
        value = _cookie(source, name)
        if value:
            target.set_cookie(name, value)


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, client, make_person):
    make_person("mia@example.com", role="manager")
    login(client, "mia@example.com")
    assert client.get("/reports/team").status_code == 200
    thief = app.test_client()
    _copy_cookies(client, thief, "session")
    assert thief.get("/reports/team").status_code == 200  # a copy works while signed in
    post_form(client, "/logout", {}, page="/")
    assert thief.get("/reports/team").status_code == 302  # to the sign-in page


def test_a_copied_remember_cookie_alone_is_refused_after_sign_out(app, client, make_person):
    make_person("mia@example.com", role="manager")
    post_form(client, "/login", {"email": "mia@example.com", "password": PASSWORD, "remember": "y"})
    remember = _cookie(client, "remember_token")
    assert remember
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/reports/team").status_code == 200  # the remember cookie signs in
    post_form(client, "/logout", {}, page="/")
    other = app.test_client()
    other.set_cookie("remember_token", remember)
    assert other.get("/reports/team").status_code == 302


def test_a_password_reset_ends_every_sign_in(app, client, make_person):
    make_person("mia@example.com", role="manager")
    login(client, "mia@example.com")
    post_form(app.test_client(), "/password-reset", {"email": "mia@example.com"})
    (mail,) = [m for m in deliver_mail(app) if "new password" in m.subject]
    link = re.search(r"http://lms.test(/password-reset/\S+)", mail.text).group(1)
    other = app.test_client()
    response = post_form(other, link, {"password": "a-brand-new-one", "confirm": "a-brand-new-one"})
    assert response.status_code == 302
    assert client.get("/reports/team").status_code == 302  # the old sign-in ended
    assert login(other, "mia@example.com", "a-brand-new-one").status_code == 302
    assert other.get("/reports/team").status_code == 200
    assert other.get(link).status_code == 404  # single-use


def test_reset_requests_never_tell_whether_an_account_exists(app, make_person):
    make_person("mia@example.com")
    answers = []
    for email in ("mia@example.com", "nobody@example.com"):
        client = app.test_client()
        response = post_form(client, "/password-reset", {"email": email}, follow_redirects=True)
        page = response.get_data(as_text=True).split("<main")[1]
        answers.append(
            (response.status_code, re.sub(r'(name="csrf_token"[^>]*value=)"[^"]+"', r"\1", page))
        )
    assert answers[0] == answers[1]
    assert len([m for m in deliver_mail(app) if "new password" in m.subject]) == 1


def test_reset_links_expire_and_a_second_request_is_not_a_second_mail(app, make_person):
    make_person("mia@example.com")
    for _ in range(3):
        post_form(app.test_client(), "/password-reset", {"email": "mia@example.com"})
    (mail,) = [m for m in deliver_mail(app) if "new password" in m.subject]
    link = re.search(r"http://lms.test(/password-reset/\S+)", mail.text).group(1)
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(PasswordReset)) == 1
        row = session.scalar(select(PasswordReset))
        row.expires_at = row.created_at - timedelta(seconds=1)
        session.commit()
    assert app.test_client().get(link).status_code == 404


def test_sign_out_deletes_the_sign_in_row(app, client, make_person):
    make_person("mia@example.com")
    login(client, "mia@example.com")
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
    post_form(client, "/logout", {}, page="/")
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_cookie_flags_behind_https(database_url):
    from app import create_app

    app = create_app(app_config(database_url, LMS_BASE_URL="https://training.example.com"))
    with app.app_context():
        from lms.accounts import services

        services.create_person(email="mia@example.com", name="Mia", password=PASSWORD)
    try:
        client = app.test_client()
        page = client.get("/login", base_url="https://training.example.com").get_data(as_text=True)
        response = client.post(
            "/login",
            base_url="https://training.example.com",
            data={
                "email": "mia@example.com",
                "password": PASSWORD,
                "remember": "y",
                "csrf_token": csrf_from(page),
            },
        )
        cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            assert (
                "Secure" in cookies[name]
                and "HttpOnly" in cookies[name]
                and "SameSite=Lax" in cookies[name]
            )
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with app.app_context():
            from tests.conftest import clear_tables

            clear_tables(app)
            app.extensions["sqlalchemy"].engine.dispose()


def test_cookies_are_samesite_lax_over_plain_http_too(client, make_person):
    make_person("mia@example.com")
    response = login(client, "mia@example.com")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_security_headers_on_every_lms_response(client):
    for url in ("/login", "/healthz", "/no-such-page", "/verify"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'self'" in csp and headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_in_a_host_only_lms_routes_get_the_headers(database_url):
    from tests.host.conftest import drop_portal, make_portal

    portal = make_portal(database_url)
    try:
        client = portal.test_client()
        assert "Content-Security-Policy" not in client.get("/").headers
        assert "X-Frame-Options" not in client.get("/ping").headers
        lms = client.get("/training/healthz").headers
        assert lms["X-Content-Type-Options"] == "nosniff"
        assert lms["Content-Security-Policy"].startswith(
            "default-src 'self'; style-src 'self' 'unsafe-inline'"
        )
    finally:
        drop_portal(portal)
