"""A new course version that changes only questions keeps the policy acknowledgement: no
review, nothing to sign again (its own module, so its server has seen no policy change).

lead@ (demo organisation) was certified and signed the policy 100 days ago.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_learner_path import COURSE_TITLE, SLUG
from tests.browser.test_policy_change import acknowledgements_of, course_copy, publish

__all__ = ["course_copy"]  # the fixture, used by name


def test_a_version_that_changes_only_questions_keeps_the_acknowledgement(
    page, live_server, live_app, course_copy
):
    email = "lead@example.com"
    signed_before = acknowledgements_of(live_app, email)
    assert len(signed_before) == 1
    output = publish(
        live_app,
        course_copy,
        "questions/01-why-a-policy.yaml",
        "Does the policy cover what you post there?",
        "Does the policy apply to what you post there?",
    )
    assert "v2" in output or "version 2" in output.lower(), output  # a new version it is

    sign_in(page, live_server, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    # No review (the policy did not change), nothing to sign again.
    expect(page.get_by_role("link", name=re.compile(r"^Review the changes to"))).to_have_count(0)
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Acknowledge the policy")).to_have_count(0)
    page.goto(f"{live_server}/courses/{SLUG}/policy")
    expect(page.get_by_text("You acknowledged this version of the policy")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert acknowledgements_of(live_app, email) == signed_before
