"""A policy change in a real browser: the acknowledgement is asked again inside the review of
the changes when the policy TEXT changed (and kept when a new version changed only questions:
test_policy_questions_only.py, on a server of its own so neither test sees the other's version).

Demo organisation (lms/demo.py): chidi@ and lead@ were certified (and signed the policy)
some days ago. The social media course asks for the acknowledgement and for a review when
the policy changes. A new version comes the way an admin brings one: ``flask lms
sync-courses`` on an edited copy of the course folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COURSES_DIR, sign_in
from tests.browser.test_learner_path import COURSE_TITLE, SECTION_TITLES, SLUG

CHANGED_SECTION = "conflict-complaints"
OLD_SENTENCE = "However unfair the comments, do not step in to defend the Company."
NEW_SENTENCE = "However unfair the comments, never step in to defend the Company yourself."


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory) -> Path:
    """A working copy of the courses folder, edited and synced by the tests of a module
    (each edit on top of the last)."""
    root = tmp_path_factory.mktemp("courses") / "courses"
    shutil.copytree(COURSES_DIR, root)
    return root


def publish(app, root: Path, rel: str, old: str, new: str) -> str:
    """Edit one file of the course copy and sync it, as an admin would; the CLI's output."""
    path = root / SLUG / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} no longer says {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["lms", "sync-courses", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def acknowledgements_of(app, email: str) -> list[tuple[int, str]]:
    """(version number, policy hash) of each acknowledgement a person signed."""
    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.certification.models import PolicyAcknowledgement
    from lms.courses.models import CourseVersion
    from lms.db import session

    with app.app_context():
        rows = session.execute(
            select(CourseVersion.number, PolicyAcknowledgement.policy_hash)
            .join(CourseVersion, CourseVersion.id == PolicyAcknowledgement.version_id)
            .join(Person, Person.id == PolicyAcknowledgement.person_id)
            .where(Person.email == email)
            .order_by(PolicyAcknowledgement.id)
        ).all()
        return [tuple(r) for r in rows]


def certificate_row(page: Page):
    page.get_by_role("navigation", name="Training").get_by_role(
        "link", name="My certificates"
    ).click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    return page.get_by_role("row").filter(has_text=COURSE_TITLE)


def test_a_changed_policy_text_asks_for_the_acknowledgement_again(
    page, live_server, live_app, course_copy
):
    email, name = "chidi@example.com", "Chidi Okafor"
    signed_before = acknowledgements_of(live_app, email)
    assert len(signed_before) == 1
    publish(live_app, course_copy, "policy.md", OLD_SENTENCE, NEW_SENTENCE)

    # Home: certified still, with the review to do.
    sign_in(page, live_server, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    review_link = page.get_by_role("link", name=f"Review the changes to {COURSE_TITLE}")
    expect(review_link).to_be_visible()
    review_link.click()

    # The review: the changed section, then the acknowledgement of the new text.
    expect(
        page.get_by_role("heading", name=f"Review what changed in {COURSE_TITLE}", level=1)
    ).to_be_visible()
    expect(page.get_by_text("Your certificate stays valid")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(SECTION_TITLES[CHANGED_SECTION])
    expect(page.get_by_text("This course asks you to acknowledge the new text")).to_be_visible()
    expect(page.get_by_role("link", name="Read the full policy")).to_be_visible()
    confirm = page.get_by_role("button", name="I have read and understood these changes")

    # Confirming without the acknowledgement is refused, field by field.
    confirm.click()
    expect(page.get_by_text("Tick the statement to acknowledge the policy.")).to_be_visible()
    expect(page.get_by_text("Type your full name to sign.")).to_be_visible()

    # A wrong name is refused with the field's error; nothing is recorded.
    page.get_by_label("I have read this version of the policy").check()
    page.get_by_label("Your full name, as a signature").fill("Somebody Else")
    page.get_by_role("button", name="I have read and understood these changes").click()
    name_field = page.get_by_label("Your full name, as a signature")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text(f"Type your name as it appears on your account: {name}.")
    ).to_be_visible()
    assert acknowledgements_of(live_app, email) == signed_before

    # The right name (case does not matter) is accepted: the review is done.
    page.get_by_label("I have read this version of the policy").check()
    name_field.fill(name.lower())
    page.get_by_role("button", name="I have read and understood these changes").click()
    expect(
        page.get_by_text("Thank you: your review of the policy changes is recorded.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(review_link).to_have_count(0)

    # Signed again, for the new version and its new text.
    signed_after = acknowledgements_of(live_app, email)
    assert len(signed_after) == 2 and signed_after[0] == signed_before[0]
    assert signed_after[1][0] > signed_before[0][0] and signed_after[1][1] != signed_before[0][1]

    # The policy page says the current text is signed; the course page asks for nothing and
    # the certificate is valid as before.
    page.goto(f"{live_server}/courses/{SLUG}/policy")
    expect(page.get_by_text("You acknowledged this version of the policy")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    page.goto(f"{live_server}/courses/{SLUG}/")
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Acknowledge the policy")).to_have_count(0)
    row = certificate_row(page)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Valid")
