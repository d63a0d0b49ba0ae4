"""Signed out in another tab while answering a knowledge check: after signing in again
the learner is back on the module with every answer still selected (never a 405)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, open_attempt_questions, sign_in
from tests.browser.test_learner_path import (
    MODULES,
    answer,
    open_course_from_home,
    open_module,
    question_box,
)


def test_answers_survive_a_sign_out_in_another_tab(page, live_server, live_app):
    email = "tara@example.com"
    key, title = MODULES[0]
    sign_in(page, live_server, email)
    open_course_from_home(page)
    open_module(page, title)
    questions = open_attempt_questions(live_app, email, "check", key)
    answer(page, questions, correctly=True)

    other = page.context.new_page()  # the other tab: same browser, same cookies
    other.goto(f"{live_server}/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_text("You are signed out.")).to_be_visible()
    other.close()

    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_text("You were signed out before your answers were sent")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_text("Welcome back: your answers are kept.")).to_be_visible()
    for q in questions:
        if q["type"] == "matching":
            for pair in q["pairs"]:  # an answer is selected again, not "Choose…"
                assert question_box(page, q).get_by_label(pair["left"], exact=True).input_value()
            continue
        picks = [c for c in q["choices"] if c["correct"]]
        for choice in picks[:1] if q["type"] != "multiple" else picks:
            expect(question_box(page, q).get_by_label(choice["text"], exact=True)).to_be_checked()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("You passed the knowledge check (100%).")
