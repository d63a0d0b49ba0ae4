"""Renewal in a real browser: the short refresher inside the window renews from the old
expiry (and keeps the old certificate), and after expiry the full course is required again.

Demo organisation (lms/demo.py): alice@ was certified 320 days ago, so her refresher
window is open; chidi@ was certified 30 days ago. The social media course renews from
expiry (valid 12 months, a 60-day window) and its refresher is a 6-question draw plus the
angry-customer scenario, with only the modules whose policy sections changed (none here).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import format_date
from playwright.sync_api import Page, expect

from lms.domain.certification import add_months
from tests.browser.conftest import open_attempt_questions, sign_in
from tests.browser.test_learner_path import (
    COURSE,
    COURSE_DIR,
    COURSE_TITLE,
    MODULES,
    REQUIRED_SCENARIOS,
    _yaml,
    answer,
    best_path,
    open_course_from_home,
    play_best_path,
)

CERTIFICATION = COURSE["certification"]
REFRESHER = CERTIFICATION["refresher"]
REFRESHER_SCENARIO = next(
    s
    for s in (_yaml(COURSE_DIR / e["file"]) for e in COURSE["scenarios"])
    if s["id"] == REFRESHER["scenario"]
)


# --- helpers -----------------------------------------------------------------------------


def periods(app, email: str) -> list[tuple[int, str, date, date]]:
    """(sequence, kind, certified_on, valid_until) of a person's periods, oldest first."""
    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.certification.models import CertificationPeriod
    from lms.db import session

    with app.app_context():
        rows = session.scalars(
            select(CertificationPeriod)
            .join(Person, Person.id == CertificationPeriod.person_id)
            .where(Person.email == email)
            .order_by(CertificationPeriod.sequence)
        ).all()
        return [(p.sequence, p.kind, p.certified_on, p.valid_until) for p in rows]


def written(day: date) -> str:
    """A date as an English reader sees it on the pages (Babel's "medium" date)."""
    return format_date(day, "medium", locale="en")


def server_today(app) -> date:
    """The day the served app thinks it is (the real date unless ``LMS_TODAY`` is set)."""
    from lms.clock import today

    with app.app_context():
        return today()


def course_card(page: Page):
    """The home page's card of the course."""
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=COURSE_TITLE, level=2)
    )


def left_to_do(page: Page):
    """The course page's "What is left to do" list."""
    return page.locator("h2:text-is('What is left to do') + ul")


# --- tests -------------------------------------------------------------------------------


def test_refresher_renews_from_the_old_expiry(page, live_server, live_app):
    email = "alice@example.com"
    today = server_today(live_app)
    [(sequence, kind, old_certified_on, old_valid_until)] = periods(live_app, email)
    assert (sequence, kind) == (1, "initial")
    assert old_certified_on == today - timedelta(days=320)
    new_valid_until = add_months(old_valid_until, CERTIFICATION["valid_for"])

    # Home: renewal due, the refresher due by the old expiry.
    sign_in(page, live_server, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    card = course_card(page)
    expect(card).to_have_count(1)
    expect(card.get_by_text("Renewal due", exact=True)).to_be_visible()
    expect(
        card.get_by_text(f"Refresher due by {written(old_valid_until)}", exact=True)
    ).to_be_visible()

    # The course page: the refresher alone (the policy has not changed: no modules).
    open_course_from_home(page)
    expect(page.get_by_text(f"Refresher due by {written(old_valid_until)}.")).to_be_visible()
    expect(page.get_by_text("The policy has not changed since you were certified")).to_be_visible()
    expect(page.get_by_role("heading", name="Modules", level=2)).to_have_count(0)
    expect(page.locator("ol.module-list > li")).to_have_count(0)
    expect(left_to_do(page).get_by_text(re.compile(r"modules? to complete"))).to_have_count(0)
    expect(left_to_do(page).get_by_text("The refresher assessment", exact=True)).to_be_visible()
    expect(
        left_to_do(page).get_by_text(f"Scenario: {REFRESHER_SCENARIO['title']}", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Final assessment")).to_have_count(0)
    expect(page.get_by_role("heading", name="Refresher assessment", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Go to the assessment")).to_be_visible()
    # Only the refresher's scenario is asked for, not the course's other required ones.
    for title, _mode, _path in REQUIRED_SCENARIOS:
        expected = 1 if title == REFRESHER_SCENARIO["title"] else 0
        expect(
            page.get_by_role("list", name="Scenario exercises").get_by_role(
                "link", name=title, exact=True
            )
        ).to_have_count(expected)

    # The refresher assessment: a 6-question draw, answered right.
    page.get_by_role("link", name="Go to the assessment").click()
    expect(page.get_by_role("heading", name="Refresher assessment", level=1)).to_be_visible()
    expect(
        page.get_by_text(f"{REFRESHER['draw']} questions drawn from the whole policy")
    ).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    expect(
        page.get_by_role("heading", name=f"Refresher assessment: {COURSE_TITLE}", level=1)
    ).to_be_visible()
    expect(page.get_by_role("group")).to_have_count(REFRESHER["draw"])
    questions = open_attempt_questions(live_app, email, "refresher")
    assert len(questions) == REFRESHER["draw"]
    answer(page, questions, correctly=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your result", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Passed: 100% (pass mark 80%)")
    expect(
        page.get_by_text("Well done. To finish the course, complete what is left:")
    ).to_be_visible()
    page.get_by_role("link", name="back to the course", exact=True).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    expect(left_to_do(page).get_by_text("The refresher assessment", exact=True)).to_have_count(0)

    # The refresher's scenario on its best path: the last requirement, so renewed.
    play_best_path(
        page,
        REFRESHER_SCENARIO["title"],
        REFRESHER_SCENARIO["feedback"],
        best_path(REFRESHER_SCENARIO),
        last=True,
    )
    expect(
        page.get_by_text(
            re.compile(
                r"You are certified\. Your refresher opens on [A-Z][a-z]{2} \d{1,2}, \d{4}\."
            )
        )
    ).to_be_visible()
    expect(page.get_by_text(f"valid until {written(new_valid_until)}")).to_be_visible()

    # The database agrees: a second period, a renewal from the old expiry.
    assert periods(live_app, email) == [
        (1, "initial", old_certified_on, old_valid_until),
        (2, "renewal", today, new_valid_until),
    ]

    # My certificates: the new one, and the old one kept as history.
    page.get_by_role("navigation", name="Training").get_by_role("link", name="My training").click()
    expect(
        course_card(page).get_by_text(f"Certified until {written(new_valid_until)}", exact=True)
    ).to_be_visible()
    page.get_by_role("main").get_by_role("paragraph").get_by_role(
        "link", name="My certificates"
    ).click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    rows = page.get_by_role("row").filter(has_text=COURSE_TITLE)
    expect(rows).to_have_count(2)
    # Newest first (certified_on descending).
    expect(rows.nth(0).get_by_role("cell", name=written(today), exact=True)).to_be_visible()
    expect(
        rows.nth(0).get_by_role("cell", name=written(new_valid_until), exact=True)
    ).to_be_visible()
    expect(
        rows.nth(1).get_by_role("cell", name=written(old_certified_on), exact=True)
    ).to_be_visible()
    expect(
        rows.nth(1).get_by_role("cell", name=written(old_valid_until), exact=True)
    ).to_be_visible()


def test_after_expiry_the_full_course_is_required_again(page, live_server, live_app):
    email = "chidi@example.com"
    [(_sequence, _kind, _certified_on, valid_until)] = periods(live_app, email)
    day_after = valid_until + timedelta(days=1)
    live_app.config["LMS_TODAY"] = day_after.isoformat()
    try:
        assert server_today(live_app) == day_after
        sign_in(page, live_server, email)
        expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
        card = course_card(page)
        expect(card.get_by_text("Expired", exact=True)).to_be_visible()
        lapsed = f"Your certificate was valid until {written(valid_until)} and has expired."
        expect(card.get_by_text(lapsed)).to_be_visible()
        expect(card.get_by_text("revoked")).to_have_count(0)
        expect(card.get_by_text(re.compile(r"^Refresher due by"))).to_have_count(0)

        open_course_from_home(page)
        expect(page.get_by_text("Expired", exact=True)).to_be_visible()
        expect(page.get_by_role("main").get_by_text(lapsed)).to_be_visible()
        expect(left_to_do(page).get_by_text(f"{len(MODULES)} modules to complete")).to_be_visible()
        expect(left_to_do(page).get_by_text("The final assessment", exact=True)).to_be_visible()
        for title, _mode, _path in REQUIRED_SCENARIOS:
            expect(left_to_do(page).get_by_text(f"Scenario: {title}", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Final assessment", level=2)).to_be_visible()
        expect(page.get_by_text("Opens when every module is complete.")).to_be_visible()
        expect(page.locator("ol.module-list > li")).to_have_count(len(MODULES))
    finally:
        live_app.config["LMS_TODAY"] = None
