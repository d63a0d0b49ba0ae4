"""Manager tools in a real browser: the person page's summary and "Send a reminder", and
the assign page's searchable people picker (no script: the search comes back from the
server, ticks survive it, one target fieldset at a time). Nothing is assigned here, so
the shared demo organisation stays as the other browser tests expect it.
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_person_page_summary_and_reminder(page, live_server):
    sign_in(page, live_server, "manager@example.com")
    page.goto(f"{live_server}/reports/team?q=dabrowska")
    page.get_by_role("link", name="Dana Dąbrowska", exact=True).click()
    expect(page.get_by_role("heading", name="Dana Dąbrowska", level=1)).to_be_visible()
    summary = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Modules"))
    expect(summary.get_by_text("Overdue", exact=True)).to_be_visible()
    summary.get_by_role("button", name="Send a reminder").first.click()
    expect(page.get_by_text("is on its way to Dana Dąbrowska")).to_be_visible()
    expect(page.get_by_text("sent by a manager")).to_be_visible()
    # A second press the same day sends nothing more.
    page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Modules")
    ).get_by_role("button", name="Send a reminder").first.click()
    expect(page.get_by_text("already got a reminder")).to_be_visible()


def test_people_picker_searches_and_keeps_ticks(page, live_server):
    sign_in(page, live_server, "manager@example.com")
    page.goto(f"{live_server}/reports/assign")
    # Chosen people are the default target: the department and manager choices are hidden.
    expect(page.get_by_label("Department", exact=True)).to_be_hidden()
    page.get_by_label("A department").check()
    expect(page.get_by_label("Department", exact=True)).to_be_visible()
    page.get_by_label("People I choose").check()
    expect(page.get_by_label("Department", exact=True)).to_be_hidden()

    search = page.get_by_label("Find people by name or e-mail")
    search.fill("singh")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Tara Singh").check()
    search = page.get_by_label("Find people by name or e-mail")
    search.fill("dabrowska")  # without the accent
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_label("Tara Singh")).to_be_checked()
    page.get_by_label("Dana Dąbrowska").check()
    expect(page.get_by_text("Frank Finance")).to_have_count(0)  # outside the manager's tree
    # A due date runs from today to two years ahead (the served app's clock is the real one).
    page.get_by_label("Due date").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Check how many people this reaches").click()
    expect(page.get_by_text("This reaches 2 people:")).to_be_visible()
