"""Team reports in a real browser: who a manager sees, the status filter, the CSV export of
the filtered view, a sub-manager's narrower team, and the 403 page for everyone else.

Demo organisation (lms/demo.py): manager@ leads Erik, Alice, Bruno, Chidi, Dana and Lena
(lead@), who manages Sami and Tara; Frank (finance@) is outside that tree. Dana and Tara
are overdue.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

MANAGER_TEAM = [
    "Erik Employee",
    "Alice Andersen",
    "Bruno Barros",
    "Chidi Okafor",
    "Dana Dąbrowska",
    "Lena Lead",
    "Sami Virtanen",
    "Tara Singh",
]
LEAD_TEAM = ["Sami Virtanen", "Tara Singh"]
OUTSIDE = ["Frank Finance", "Cara Candidate", "Ada Admin"]
EXPORT_HEADER = [
    "person_email",
    "person_name",
    "department",
    "manager_email",
    "course",
    "status",
    "due_on",
    "certified_on",
    "valid_until",
    "course_title",
    "status_label",
    "policy_acknowledged_at",
]


def people_table(page: Page):
    """The report's table of people (the one whose first column is "Person")."""
    return page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Person"))


def person_rows(page: Page):
    return people_table(page).get_by_role("rowheader")


def open_team_report(page: Page, base_url: str, email: str) -> None:
    sign_in(page, base_url, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Training").get_by_role("link", name="Team reports").click()
    expect(page).to_have_url(f"{base_url}/reports/team")
    expect(page.get_by_role("heading", name="My team: training report", level=1)).to_be_visible()


def expect_people(page: Page, names: list[str]) -> None:
    """The table lists exactly ``names`` (each once), and the count above it agrees."""
    table = people_table(page)
    for name in names:
        expect(table.get_by_role("link", name=name, exact=True)).to_have_count(1)
    expect(person_rows(page)).to_have_count(len(names))
    people = page.get_by_role("region", name="People")
    expect(people.get_by_text(f"{len(names)} people", exact=True)).to_be_visible()


def test_manager_sees_the_whole_tree_filters_and_exports(page, live_server):
    open_team_report(page, live_server, "manager@example.com")

    expect_people(page, MANAGER_TEAM)
    table = people_table(page)
    for name in OUTSIDE + ["Maria Manager"]:
        expect(table.get_by_role("link", name=name)).to_have_count(0)

    # The status filter narrows the table to the overdue people.
    page.get_by_label("Status", exact=True).select_option(label="Overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/reports/team\?(.+&)?status=overdue(&|$)"))
    expect(page.get_by_label("Status", exact=True)).to_have_value("overdue")
    expect_people(page, ["Dana Dąbrowska", "Tara Singh"])
    expect(table.get_by_role("link", name="Sami Virtanen")).to_have_count(0)
    for row in table.get_by_role("row").filter(has=page.get_by_role("rowheader")).all():
        expect(row).to_contain_text("Overdue")

    # The CSV export carries the same filter.
    with page.expect_download() as info:
        page.get_by_role("link", name="Export this view as CSV").click()
    download = info.value
    assert re.fullmatch(r"team-report-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert text.startswith("person_email,person_name,"), text[:80]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == EXPORT_HEADER
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert sorted(r["person_email"] for r in body) == ["dana@example.com", "tara@example.com"], body
    assert {r["status"] for r in body} == {"overdue"}, body
    assert {r["person_name"] for r in body} == {"Dana Dąbrowska", "Tara Singh"}

    # Clearing the filter brings everyone back.
    page.get_by_role("link", name="Clear", exact=True).click()
    expect_people(page, MANAGER_TEAM)


def test_sub_manager_sees_only_their_own_people(page, live_server):
    open_team_report(page, live_server, "lead@example.com")
    expect_people(page, LEAD_TEAM)
    table = people_table(page)
    for name in ["Erik Employee", "Dana Dąbrowska", "Lena Lead", "Maria Manager", "Frank Finance"]:
        expect(table.get_by_role("link", name=name)).to_have_count(0)


@pytest.mark.parametrize("email", ["employee@example.com", "candidate@example.com"])
def test_people_without_a_team_get_the_403_page(page, live_server, email):
    sign_in(page, live_server, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Team reports")).to_have_count(0)

    for path in ("/reports/team", "/reports/team.csv"):
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 403, (path, response and response.status)
        expect(
            page.get_by_role("heading", name="You do not have access to this page", level=1)
        ).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)
