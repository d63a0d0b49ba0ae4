"""The tables on a 390×844 phone: My certificates, the team report and the scenario debrief
reflow into stacked cards (``table.stack``), so the page never scrolls sideways and the
status and the PDF link are on screen; the report chart's text stays at 12 px or more.

Each page is saved as a full-page screenshot in ``$LMS_SCREENSHOTS`` (default: the test's
tmp path) for people to look at; the assertions do not compare pixels.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import PHONE, has_no_horizontal_scroll, new_page, sign_in
from tests.browser.test_learner_path import COURSE_TITLE, REQUIRED_SCENARIOS, SLUG

MIN_CHART_TEXT_PX = 12


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: ``$LMS_SCREENSHOTS`` when set, else the test's tmp path."""
    where = Path(os.environ.get("LMS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.fixture
def phone(browser) -> Page:
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


_WIDE_TABLES = """[...document.querySelectorAll('.table-scroll')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => `${e.scrollWidth} > ${e.clientWidth}`)"""


def assert_page_fits(page: Page, what: str) -> None:
    """The document never scrolls sideways once its layout has settled (polled up to 3 s
    by ``has_no_horizontal_scroll``: a width read right after ``goto`` can come before
    the last reflow); the widths are read for the message only when it does."""
    if not has_no_horizontal_scroll(page):
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        raise AssertionError(f"{what}: the page is {width} px wide in a {inner} px viewport")


def assert_fits(page: Page, what: str) -> None:
    """Nothing scrolls sideways: neither the document nor any table's scroll container
    (both polled, so a read before the layout settles cannot fail it)."""
    assert_page_fits(page, what)
    try:
        page.wait_for_function(f"{_WIDE_TABLES}.length === 0", timeout=3000)
    except PlaywrightTimeoutError:
        wide = page.evaluate(_WIDE_TABLES)
        raise AssertionError(
            f"{what}: a table scrolls sideways inside its container ({wide})"
        ) from None


def assert_on_screen(page: Page, locator: Locator, what: str) -> None:
    """``locator`` lies within the viewport's width, and shows once scrolled to vertically."""
    expect(locator).to_be_visible()
    left, right = locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; }"
    )
    inner = page.evaluate("window.innerWidth")
    assert left >= 0 and right <= inner, (
        f"{what} spans x={left}..{right}, the viewport is {inner} px"
    )
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_in_viewport(ratio=1)


def screenshot(page: Page, shots: Path, name: str) -> None:
    path = shots / f"{name}-{PHONE['width']}x{PHONE['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    print(f"\nphone screenshot: {path}")


def cell(row: Locator, label: str) -> Locator:
    """The cell of a stacked row with this label (the column's name, as data-label)."""
    return row.locator(f'td[data-label="{label}"]')


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("chidi@example.com", "Valid"),
        ("bruno@example.com", "Expired"),
    ],
)
def test_my_certificates_fit_a_phone(phone, live_server, shots, email, status):
    sign_in(phone, live_server, email)
    phone.goto(f"{live_server}/certificates/")
    expect(phone.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    assert_fits(phone, "My certificates")
    row = phone.get_by_role("row").filter(has_text=COURSE_TITLE)
    expect(row).to_have_count(1)
    assert_on_screen(phone, cell(row, "Status").get_by_text(status, exact=True), "the status")
    pdf = row.get_by_role("link", name="Download PDF", exact=False)
    assert_on_screen(phone, pdf, "the PDF link")
    screenshot(phone, shots, f"certificates-{status.lower()}")


def test_team_report_and_its_chart_fit_a_phone(phone, live_server, shots):
    sign_in(phone, live_server, "manager@example.com")
    phone.goto(f"{live_server}/reports/team")
    expect(phone.get_by_role("heading", name="My team: training report", level=1)).to_be_visible()
    assert_fits(phone, "the team report")

    # Every person's status on the course, on screen: Dana's overdue, Chidi's certificate.
    for name, status in (("Dana Dąbrowska", "Overdue"), ("Chidi Okafor", "Certified")):
        row = phone.get_by_role("row").filter(has=phone.get_by_role("link", name=name, exact=True))
        assert_on_screen(
            phone, cell(row, COURSE_TITLE).get_by_text(status, exact=True), f"{name}'s status"
        )

    # The chart's legend and labels at their rendered size, not their SVG units.
    chart = phone.get_by_role("img", name="Status by course")
    expect(chart).to_be_visible()
    sizes = chart.evaluate("""svg => [...svg.querySelectorAll('text')].map(t =>
        [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])""")
    assert any(text == "Overdue" for text, _size in sizes), sizes  # the legend is there
    small = [(text, round(size, 1)) for text, size in sizes if size < MIN_CHART_TEXT_PX]
    assert not small, f"chart text under {MIN_CHART_TEXT_PX} px on a phone: {small}"
    assert_on_screen(phone, chart, "the chart")
    screenshot(phone, shots, "team-report")


def test_scenario_debrief_fits_a_phone(phone, live_server, shots):
    title, _mode, path = REQUIRED_SCENARIOS[0]
    sign_in(phone, live_server, "finance@example.com")
    phone.goto(f"{live_server}/courses/{SLUG}/")
    phone.get_by_role("list", name="Scenario exercises").get_by_role(
        "link", name=title, exact=True
    ).click()
    phone.get_by_role("button", name="Start", exact=True).click()
    for choice in path:
        phone.get_by_role("group", name="What do you do?").get_by_label(choice, exact=True).check()
        phone.get_by_role("button", name="Choose").click()
    expect(phone.get_by_role("heading", name=f"Debrief: {title}", level=1)).to_be_visible()
    assert_fits(phone, "the debrief")

    rows = phone.get_by_role("table").get_by_role("row").filter(has=phone.locator("td"))
    expect(rows).to_have_count(len(path))
    for i in range(len(path)):
        row = rows.nth(i)
        assert_on_screen(
            phone, cell(row, "Score").get_by_text("of 10"), f"decision {i + 1}'s score"
        )
        assert_on_screen(
            phone,
            cell(row, "Policy section").get_by_role("link"),
            f"decision {i + 1}'s policy link",
        )
    screenshot(phone, shots, "scenario-debrief")


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("admin@example.com", "/candidates/"),
        ("admin@example.com", "/admin/audit"),
        ("admin@example.com", "/reports/org"),
        ("manager@example.com", "/reports/assign"),
        ("manager@example.com", "/reports/digest"),
    ],
)
def test_staff_pages_never_scroll_sideways_on_a_phone(phone, live_server, email, path):
    """A wide table may scroll inside its own box, but the page itself never does (hidden
    link text included: it must stay inside the table's box)."""
    sign_in(phone, live_server, email)
    phone.goto(f"{live_server}{path}")
    assert_page_fits(phone, path)
