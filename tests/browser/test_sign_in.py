"""Signing in and out in a real browser, by keyboard too, and on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, has_no_horizontal_scroll, new_page, sign_in

DEMO_ACCOUNTS = [
    "admin@example.com",
    "manager@example.com",
    "employee@example.com",
    "candidate@example.com",
]


def expect_home(page: Page, base_url: str) -> None:
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Social media policy", exact=True)).to_be_visible()


@pytest.mark.parametrize("email", [e for e in DEMO_ACCOUNTS if e != "admin@example.com"])
def test_each_demo_role_signs_in_and_sees_the_course(page, live_server, email):
    sign_in(page, live_server, email)
    expect_home(page, live_server)


def test_the_admin_lands_on_the_organisation_overview(page, live_server):
    sign_in(page, live_server, "admin@example.com")
    expect(page).to_have_url(f"{live_server}/reports/org")
    expect(
        page.get_by_role("heading", name="Organisation: training report", level=1)
    ).to_be_visible()


def test_wrong_password_shows_the_generic_error(page, live_server):
    sign_in(page, live_server, "employee@example.com", password="not-the-password")
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("alert")).to_have_text("The e-mail address or password is not right.")
    expect(page.get_by_role("heading", name="My training")).to_have_count(0)


def test_unknown_account_shows_the_same_generic_error(page, live_server):
    sign_in(page, live_server, "nobody@example.com")
    expect(page.get_by_role("alert")).to_have_text("The e-mail address or password is not right.")


def test_home_sends_a_signed_out_visitor_to_sign_in(page, live_server):
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/login")))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, id: e.id, cls: e.className, text: (e.textContent || '').trim()}; }"
    )


def test_sign_in_is_keyboard_usable(page, live_server):
    page.goto(f"{live_server}/login")

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["cls"] == "skip-link", f"first Tab stop is {first}, not the skip link"
    assert first["text"] == "Skip to main content"

    for _ in range(10):
        if focused(page)["id"] == "email":
            break
        page.keyboard.press("Tab")
    assert focused(page)["id"] == "email", "Tab never reached the e-mail field"
    page.keyboard.type("employee@example.com")

    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password", (
        "Tab from the e-mail field does not reach the password"
    )
    page.keyboard.type("training-demo")
    page.keyboard.press("Enter")

    expect_home(page, live_server)


def test_skip_link_moves_focus_to_the_main_content(page, live_server):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()


@pytest.mark.parametrize("path", ["/login", "/"])
def test_phone_viewport_has_no_horizontal_scroll(browser, live_server, path):
    page = new_page(browser, PHONE)
    try:
        if path == "/":
            sign_in(page, live_server, "manager@example.com")
            expect_home(page, live_server)
        else:
            page.goto(f"{live_server}{path}")
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert has_no_horizontal_scroll(page), page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
    finally:
        page.context.close()


def test_sign_out(page, live_server):
    sign_in(page, live_server, "employee@example.com")
    expect_home(page, live_server)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")

    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/login")))


def test_home_screenshots_for_humans(browser, live_server, tmp_path):
    """Not an assertion about pixels: screenshots of the home page to look at."""
    paths = []
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(browser, viewport)
        try:
            sign_in(page, live_server, "employee@example.com")
            expect_home(page, live_server)
            path = tmp_path / f"home-{name}-{viewport['width']}x{viewport['height']}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        finally:
            page.context.close()
    for path in paths:
        assert path.stat().st_size > 0
        print(f"home page screenshot: {path}")
