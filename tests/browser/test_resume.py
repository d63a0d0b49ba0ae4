"""Resuming from the middle: the home card's Continue button leads to the next step."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_learner_path import (
    COURSE_TITLE,
    MODULES,
    back_to_course,
    open_course_from_home,
    open_module,
    pass_check,
)


def test_a_learner_signs_in_again_and_continues_where_they_stopped(page, live_server, live_app):
    email = "sami@example.com"
    sign_in(page, live_server, email)
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=COURSE_TITLE))
    expect(card.get_by_role("link", name=f"Start: {MODULES[0][1]}")).to_be_visible()
    expect(card.get_by_text("minutes left")).to_be_visible()
    open_course_from_home(page)
    open_module(page, MODULES[0][1])
    pass_check(page, live_app, email, MODULES[0][0])
    back_to_course(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, email)
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=COURSE_TITLE))
    resume = card.get_by_role("link", name=f"Continue: {MODULES[1][1]}")
    expect(resume).to_be_visible()
    resume.click()
    expect(page.get_by_role("heading", name=MODULES[1][1], level=1)).to_be_visible()
