"""axe-core in a real browser: zero violations on the product's pages, for every role, on a
desktop and at 390×844.

axe-core comes from npm (``make axe``, run by ``make test`` and ``.ci/run``) into the
gitignored ``.cache/axe``; ``LMS_AXE_JS`` may point at another ``axe.min.js``. Without it
these tests skip locally and fail under ``CI=true``, so CI never passes by skipping.

The product's Content-Security-Policy forbids inline and foreign scripts, so the pages are
opened in a context with ``bypass_csp=True``: only that lets the test inject axe. Each walk
collects every page's violations and reports them together at the end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    DEFAULT_TIMEOUT_MS,
    DESKTOP,
    PHONE,
    REPO_ROOT,
    open_attempt_questions,
    sign_in,
)
from tests.browser.test_learner_path import (
    CODE,
    COURSE_TITLE,
    MODULES,
    REQUIRED_SCENARIOS,
    SLUG,
    answer,
    open_course_from_home,
    open_module,
    pass_modules,
)

AXE_JS = Path(
    os.environ.get("LMS_AXE_JS")
    or REPO_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
MIN_PAGES = 15

# Each violation as "rule (impact): help" with the first few offending nodes.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '')),
  }));
}"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def axe_source() -> str:
    """The text of axe.min.js; a skip (locally) or a failure (CI=true) when it is missing."""
    if not AXE_JS.is_file():
        message = (
            f"axe-core is not installed at {AXE_JS}: run `make axe` "
            "(npm install --prefix .cache/axe axe-core), or set LMS_AXE_JS"
        )
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


class Audit:
    """Runs axe on pages at one viewport and keeps what it finds, by page name."""

    def __init__(self, browser: Browser, viewport: dict, axe: str) -> None:
        self.browser, self.viewport, self.axe = browser, viewport, axe
        self.checked: list[str] = []
        self.violations: dict[str, list[dict]] = {}

    def page(self) -> Page:
        """A page in a fresh context (no one signed in) that lets axe in despite the CSP."""
        context = self.browser.new_context(viewport=self.viewport, bypass_csp=True)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        return context.new_page()

    def check(self, page: Page, name: str) -> None:
        """Run axe on the page as it is now, under ``name`` (distinct pages, distinct names)."""
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.axe)
        found = page.evaluate(AXE_RUN)
        self.checked.append(name)
        if found:
            self.violations[f"{name} ({page.url})"] = found

    def report(self) -> str:
        lines = []
        for where, found in self.violations.items():
            lines.append(where)
            for v in found:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
                lines.extend(f"    {node}" for node in v["nodes"])
        return "\n".join(lines)


def _learner_pages(audit: Audit, base_url: str, app, email: str) -> None:
    """A learner not yet certified: home, course, module, policy, versions, changes, the
    assessment (page, attempt, result), a scenario (intro, a step, the debrief)."""
    page = audit.page()
    sign_in(page, base_url, email)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    audit.check(page, "learner home")
    open_course_from_home(page)
    audit.check(page, "course")
    open_module(page, MODULES[0][1])
    audit.check(page, "module with its knowledge check")

    page.goto(f"{base_url}/courses/{SLUG}/policy")
    audit.check(page, "policy")
    page.goto(f"{base_url}/courses/{SLUG}/versions/")
    audit.check(page, "versions")
    page.goto(f"{base_url}/courses/{SLUG}/versions/1/changes")
    audit.check(page, "changes of a version")

    page.goto(f"{base_url}/courses/{SLUG}/")
    pass_modules(page, app, email, MODULES)
    page.get_by_role("link", name="Go to the assessment").click()
    expect(page.get_by_role("button", name="Start the assessment")).to_be_visible()
    audit.check(page, "assessment")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    audit.check(page, "assessment attempt")
    answer(page, open_attempt_questions(app, email, "final"), correctly=False)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your result", level=1)).to_be_visible()
    audit.check(page, "failed result")

    title, mode, path = REQUIRED_SCENARIOS[0]
    page.goto(f"{base_url}/courses/{SLUG}/")
    page.get_by_role("list", name="Scenario exercises").get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    audit.check(page, "scenario intro")
    page.get_by_role("button", name="Start", exact=True).click()
    for step, choice in enumerate(path, start=1):
        expect(page.get_by_text(f"Decision {step}", exact=True)).to_be_visible()
        if step <= 2:  # the first step, and one that shows feedback on the last choice
            audit.check(page, f"scenario step {step}")
        page.get_by_role("group", name="What do you do?").get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Choose").click()
    expect(page.get_by_role("heading", name=f"Debrief: {title}", level=1)).to_be_visible()
    audit.check(page, "scenario debrief")
    page.context.close()


def _certified_pages(audit: Audit, base_url: str) -> None:
    """A certified learner's certificates, then the public verification pages."""
    page = audit.page()
    sign_in(page, base_url, "chidi@example.com")
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    audit.check(page, "certified learner home")
    page.goto(f"{base_url}/certificates/")
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    audit.check(page, "my certificates")
    code = CODE.search(page.get_by_role("row").filter(has_text=COURSE_TITLE).inner_text()).group(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base_url}/login")
    audit.check(page, "sign-in (after signing out)")
    page.goto(f"{base_url}/verify/{code}")
    expect(page.get_by_role("heading", name="Certificate verification", level=1)).to_be_visible()
    audit.check(page, "verification")
    page.goto(f"{base_url}/verify")
    audit.check(page, "verification form")
    page.goto(f"{base_url}/password-reset")
    audit.check(page, "password reset request")
    page.context.close()


def _manager_pages(audit: Audit, base_url: str) -> None:
    """A manager's team report, a person page, the assign page, the digest preview, and a 403."""
    page = audit.page()
    sign_in(page, base_url, "manager@example.com")
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    page.goto(f"{base_url}/reports/team")
    expect(page.get_by_role("heading", name="My team: training report", level=1)).to_be_visible()
    audit.check(page, "team report")
    page.goto(f"{base_url}/reports/team?status=overdue")
    audit.check(page, "team report, filtered")
    page.get_by_role("link", name="Dana Dąbrowska", exact=True).click()
    expect(page.get_by_role("heading", name="Dana Dąbrowska", level=1)).to_be_visible()
    audit.check(page, "person page")
    page.goto(f"{base_url}/reports/assign")
    audit.check(page, "assign training")
    # Where the browser has no date picker the field is a text box: its format is said
    # next to it, and a date written another way is a field error saying how to write it.
    due = page.get_by_label("Due date")
    expect(due).to_have_accessible_description(re.compile(r"^Format: YYYY-MM-DD"))
    due.evaluate("input => { input.type = 'text'; }")
    due.fill("31/12/2026")
    page.get_by_role("button", name="Check how many people this reaches").click()
    due = page.get_by_label("Due date")
    expect(due).to_have_attribute("aria-invalid", "true")
    expect(due).to_have_accessible_description(
        re.compile(r"^Format: YYYY-MM-DD .*Not a valid date\. Write it as YYYY-MM-DD")
    )
    audit.check(page, "assign training, a badly written due date")
    page.goto(f"{base_url}/reports/digest")
    expect(page.get_by_role("heading", name="Your weekly digest", level=1)).to_be_visible()
    audit.check(page, "digest preview")
    response = page.goto(f"{base_url}/admin/audit")
    assert response is not None and response.status == 403
    audit.check(page, "403 page")
    page.context.close()


def _admin_pages(audit: Audit, base_url: str) -> None:
    """An admin's org report, a certified person's page (revoke), audit log, candidates."""
    page = audit.page()
    sign_in(page, base_url, "admin@example.com")
    page.goto(f"{base_url}/reports/org")
    expect(
        page.get_by_role("heading", name=re.compile(r"training report$"), level=1)
    ).to_be_visible()
    audit.check(page, "org report")
    page.get_by_role("link", name="Chidi Okafor", exact=True).click()
    expect(page.get_by_role("heading", name="Chidi Okafor", level=1)).to_be_visible()
    audit.check(page, "person page with a certificate (admin)")
    page.get_by_role("link", name=re.compile(r"^Revoke")).first.click()
    audit.check(page, "revoke a certificate")
    page.goto(f"{base_url}/admin/audit")
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    audit.check(page, "audit log")
    page.goto(f"{base_url}/candidates/")
    audit.check(page, "candidates")
    page.get_by_role("link", name=re.compile(r"^Hire")).first.click()
    audit.check(page, "hire a candidate")
    response = page.goto(f"{base_url}/courses/no-such-course/")
    assert response is not None and response.status == 404
    audit.check(page, "404 page")
    page.context.close()


@pytest.mark.parametrize(
    ("viewport", "learner"),
    [
        pytest.param(DESKTOP, "sami@example.com", id="desktop"),
        pytest.param(PHONE, "tara@example.com", id="phone-390x844"),
    ],
)
def test_axe_finds_no_violations_for_any_role(
    axe_source, browser, live_server, live_app, viewport, learner
):
    audit = Audit(browser, viewport, axe_source)
    _learner_pages(audit, live_server, live_app, learner)
    _certified_pages(audit, live_server)
    _manager_pages(audit, live_server)
    _admin_pages(audit, live_server)
    assert len(set(audit.checked)) >= MIN_PAGES, audit.checked
    assert not audit.violations, (
        f"axe-core found violations on {len(audit.violations)} of {len(audit.checked)} pages:\n"
        + audit.report()
    )


def test_axe_finds_no_violations_on_a_background_export(axe_source, browser, live_server, live_app):
    """The page of an export too big for the request: in progress, then ready."""
    from lms import outbox

    audit = Audit(browser, DESKTOP, axe_source)
    page = audit.page()
    sign_in(page, live_server, "manager@example.com")
    live_app.config["LMS_EXPORT_BACKGROUND_ROWS"] = 1  # the demo team is small
    try:
        page.goto(f"{live_server}/reports/team.csv")
    finally:
        live_app.config["LMS_EXPORT_BACKGROUND_ROWS"] = 5000
    expect(page.get_by_role("heading", name="Your export", level=1)).to_be_visible()
    audit.check(page, "export in progress")
    with live_app.app_context():
        assert outbox.run(kinds=["export"]).delivered == {"export": 1}
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_role("link", name="Download the CSV")).to_be_visible()
    audit.check(page, "export ready")
    page.context.close()
    assert not audit.violations, audit.report()
