"""The learner path in a real browser: course page, modules and their knowledge checks, the
final assessment (failed, then passed by someone else), the three required scenarios on
their best path, the certificate and its public verification page, and a phone check.

The page never holds the answers: to answer right (or wrong on purpose) a test reads the
open attempt's server-side snapshot (``open_attempt_questions``), then clicks the labels
like a person would.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lms.courses.yamlfile import load, plain
from tests.browser.conftest import (
    COURSES_DIR,
    PHONE,
    has_no_horizontal_scroll,
    new_page,
    open_attempt_questions,
    sign_in,
)

SLUG = "social-media-policy"
COURSE_DIR = COURSES_DIR / SLUG
COURSE_TITLE = "Social media policy"


def _yaml(path: Path) -> dict:
    return plain(load(path.read_text(encoding="utf-8")))


COURSE = _yaml(COURSE_DIR / "course.yaml")
MODULES: list[tuple[str, str]] = [(m["id"], m["title"]) for m in COURSE["modules"]]
# Policy section titles by key, from the policy's headings (``## Title {#key}``).
SECTION_TITLES: dict[str, str] = {
    key: title.strip()
    for title, key in re.findall(
        r"^## (.+?) \{#([\w-]+)\}\s*$",
        (COURSE_DIR / COURSE["policy"]).read_text(encoding="utf-8"),
        re.M,
    )
}
CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}")


def best_path(scenario: dict) -> list[str]:
    """The text of the score-10 choice at each node, from the start to an end."""
    nodes = {n["id"]: n for n in scenario["nodes"]}
    node, path = nodes[scenario["start"]], []
    while node.get("choices"):
        best = max(node["choices"], key=lambda c: c["score"])
        assert best["score"] == 10, f"{scenario['id']}:{node['id']} has no score-10 choice"
        path.append(" ".join(best["text"].split()))
        node = nodes[best["next"]]
        assert len(path) < 20, f"{scenario['id']}: the best path does not end"
    assert node.get("end") == "good", f"{scenario['id']}: the best path ends at {node['id']}"
    return path


# (title, feedback mode, best path) of each required scenario, in course order.
REQUIRED_SCENARIOS: list[tuple[str, str, list[str]]] = []
for _entry in COURSE["scenarios"]:
    if _entry.get("required", True):
        _scenario = _yaml(COURSE_DIR / _entry["file"])
        REQUIRED_SCENARIOS.append((_scenario["title"], _scenario["feedback"], best_path(_scenario)))


# --- helpers -----------------------------------------------------------------------------


def question_box(page: Page, question: dict):
    return page.locator(f'fieldset[id="question-{question["id"]}"]')


def answer(page: Page, questions: list[dict], *, correctly: bool) -> None:
    """Answer every question right, or every one wrong, through its labels."""
    for q in questions:
        box = question_box(page, q)
        expect(box).to_be_visible()
        if q["type"] == "matching":
            pairs = q["pairs"]
            for i, pair in enumerate(pairs):
                # Wrong on purpose: each left gets the next pair's right (never its own).
                right = pair["right"] if correctly else pairs[(i + 1) % len(pairs)]["right"]
                box.get_by_label(pair["left"], exact=True).select_option(right)
            continue
        picks = [c for c in q["choices"] if bool(c["correct"]) == correctly]
        if q["type"] != "multiple":
            picks = picks[:1]  # single and true/false: one radio
        for choice in picks:  # multiple, wrong on purpose: only wrong boxes (maybe none)
            box.get_by_label(choice["text"], exact=True).check()


def open_course_from_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()


def back_to_course(page: Page) -> None:
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=COURSE_TITLE).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()


def module_item(page: Page, title: str):
    """The course page's list item of one module (its link and its state)."""
    return (
        page.get_by_role("list", name="Modules")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=title, exact=True))
    )


def open_module(page: Page, title: str) -> None:
    page.get_by_role("list", name="Modules").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Knowledge check", level=2)).to_be_visible()


def pass_check(page: Page, app, email: str, key: str) -> None:
    """Answer the module's open knowledge check right and see it passed."""
    expect(page.get_by_role("button", name="Check my answers")).to_be_visible()
    questions = open_attempt_questions(app, email, "check", key)
    answer(page, questions, correctly=True)
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("You passed the knowledge check (100%).")
    expect(page.get_by_role("button", name="Check my answers")).to_have_count(0)


def pass_modules(page: Page, app, email: str, modules: list[tuple[str, str]]) -> None:
    """From the course page: open each module from its link, pass its check, come back."""
    for key, title in modules:
        open_module(page, title)
        pass_check(page, app, email, key)
        back_to_course(page)
        expect(module_item(page, title)).to_contain_text("Complete")


def start_assessment(page: Page) -> None:
    """From the course page: open the assessment page and start a final assessment."""
    page.get_by_role("link", name="Go to the assessment").click()
    expect(page.get_by_role("heading", name="Final assessment", level=1)).to_be_visible()
    expect(page.get_by_text("Pass mark: 80%")).to_be_visible()
    expect(
        page.get_by_text("After a failed attempt, wait 60 minutes before the next one")
    ).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    expect(
        page.get_by_role("heading", name=f"Final assessment: {COURSE_TITLE}", level=1)
    ).to_be_visible()
    expect(page.get_by_role("group")).to_have_count(COURSE["assessment"]["draw"])


def progress_bar(page: Page):
    return page.get_by_role("progressbar", name=re.compile(r"^Course progress: \d+ of \d+ done$"))


# --- tests -------------------------------------------------------------------------------


def test_a_new_learner_works_through_the_modules_and_fails_the_assessment(
    page, live_server, live_app
):
    email = "sami@example.com"
    sign_in(page, live_server, email)
    open_course_from_home(page)

    # The course page: progress, what is left, the modules, the locked assessment.
    expect(progress_bar(page)).to_be_visible()
    expect(progress_bar(page)).to_have_accessible_name(
        re.compile(r"^Course progress: 0 of \d+ done$")
    )
    expect(page.get_by_text(f"{len(MODULES)} modules to complete")).to_be_visible()
    expect(page.get_by_role("heading", name="Modules", level=2)).to_be_visible()
    for _key, title in MODULES:
        expect(module_item(page, title)).to_contain_text("Not started")
    expect(page.get_by_text("Opens when every module is complete.")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the assessment")).to_have_count(0)

    # The first module: the lesson, the quoted policy, the knowledge check.
    first_key, first_title = MODULES[0]
    open_module(page, first_title)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(
        f"Module 1 of {len(MODULES)}"
    )
    expect(
        page.get_by_role("article").get_by_role("heading", name="Why this matters")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="The policy text", level=2)).to_be_visible()
    quote = page.get_by_role("blockquote").first
    expect(quote).to_be_hidden()  # the lesson first; the policy section behind a disclosure
    page.get_by_text(f"Read the policy section “{SECTION_TITLES['purpose-scope']}”").click()
    expect(quote).to_be_visible()

    # Failed on purpose: every answer wrong; feedback with links to the policy sections.
    questions = open_attempt_questions(live_app, email, "check", first_key)
    answer(page, questions, correctly=False)
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Not passed yet (0%; 80% needed).")
    expect(page.get_by_text("Not correct", exact=True)).to_have_count(len(questions))
    links = page.get_by_role("link", name="Read the policy section")
    expect(links).to_have_count(len(questions))
    for i, q in enumerate(questions):
        expect(links.nth(i)).to_have_attribute(
            "href", re.compile(rf"/courses/{SLUG}/policy#section-{re.escape(q['section'])}$")
        )

    # A fresh draw to try again, passed this time.
    expect(page.get_by_role("heading", name="Try again", level=3)).to_be_visible()
    pass_check(page, live_app, email, first_key)
    back_to_course(page)
    expect(module_item(page, first_title)).to_contain_text("Complete")
    expect(progress_bar(page)).to_have_accessible_name(
        re.compile(r"^Course progress: 1 of \d+ done$")
    )

    # The other modules, each opened from the course page.
    pass_modules(page, live_app, email, MODULES[1:])
    expect(page.get_by_text("Opens when every module is complete.")).to_have_count(0)

    # The final assessment opens; failed on purpose.
    start_assessment(page)
    questions = open_attempt_questions(live_app, email, "final")
    assert len(questions) == COURSE["assessment"]["draw"]
    answer(page, questions, correctly=False)
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_role("heading", name="Your result", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Not passed")
    expect(page.get_by_role("status")).to_contain_text("0% (pass mark 80%)")
    expect(page.get_by_role("heading", name="Sections to reread", level=2)).to_be_visible()
    for key in sorted({q["section"] for q in questions}):
        link = page.get_by_role("link", name=SECTION_TITLES[key], exact=True)
        expect(link).to_have_attribute(
            "href", re.compile(rf"/courses/{SLUG}/policy#section-{key}$")
        )
    expect(page.get_by_role("heading", name="Questions you missed", level=2)).to_be_visible()
    # reveal_answers is false: the result names no right answer.
    expect(page.get_by_text("right", exact=True)).to_have_count(0)

    # The cooldown: the assessment page says when the next attempt may start.
    page.get_by_role("link", name="Assessment page").click()
    expect(page.get_by_role("heading", name="Final assessment", level=1)).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(
                r"You can try again from [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\s[AP]M \(UTC\)\. "
                r"Use the time to reread"
            )
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start the assessment")).to_have_count(0)
    expect(page.get_by_text("Attempts: 1 of 3 used")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("Not passed")).to_be_visible()


def play_best_path(
    page: Page, title: str, feedback_mode: str, path: list[str], *, last: bool
) -> None:
    """From the course page: play a scenario on its best path and check its debrief.

    Back on the course page the scenario shows as passed, unless it was the ``last``
    requirement: then the person is certified and the page lists them only as practice.
    """
    page.get_by_role("list", name="Scenario exercises").get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    for step, choice in enumerate(path, start=1):
        expect(page.get_by_text(f"Decision {step}", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="The situation")).to_be_visible()
        if step > 1 and feedback_mode == "immediate":
            feedback = page.get_by_role("status")
            expect(feedback).to_contain_text("Feedback on your last choice")
            expect(feedback).to_contain_text("Good choice")
        page.get_by_role("group", name="What do you do?").get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Choose").click()

    expect(page.get_by_role("heading", name=f"Debrief: {title}", level=1)).to_be_visible()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Good outcome")
    expect(result).to_contain_text("Passed")
    expect(result).to_contain_text("Your score: 100%")
    decisions = page.get_by_role("table")
    for choice in path:
        expect(decisions.get_by_role("cell", name=choice, exact=True)).to_be_visible()
    page.get_by_role("link", name="Back to the course", exact=True).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    if not last:
        expect(
            page.get_by_role("list", name="Scenario exercises")
            .get_by_role("listitem")
            .filter(has=page.get_by_role("link", name=title, exact=True))
        ).to_contain_text("Passed")


def acknowledge_policy(page: Page, name: str) -> None:
    """From the course page: the Continue button leads to the policy's acknowledgement; a
    wrong name is refused with a field error, the right one signs and comes back."""
    page.get_by_role("link", name="Continue: acknowledge the policy").click()
    expect(page.get_by_role("heading", name="Acknowledge the policy", level=2)).to_be_visible()
    page.get_by_label("Your full name, as a signature").fill("Somebody Else")
    page.get_by_label("I have read this version of the policy").check()
    page.get_by_role("button", name="Sign the acknowledgement").click()
    expect(
        page.get_by_text(f"Type your name as it appears on your account: {name}.")
    ).to_be_visible()
    page.get_by_label("Your full name, as a signature").fill(name.upper())
    page.get_by_label("I have read this version of the policy").check()
    page.get_by_role("button", name="Sign the acknowledgement").click()
    expect(page.get_by_text("your acknowledgement of the policy is recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Policy acknowledgement", level=2)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Signed on "))).to_be_visible()


def test_a_learner_passes_everything_and_gets_a_verifiable_certificate(
    page, browser, live_server, live_app, tmp_path
):
    email, name = "employee@example.com", "Erik Employee"
    sign_in(page, live_server, email)
    open_course_from_home(page)
    pass_modules(page, live_app, email, MODULES)
    acknowledge_policy(page, name)

    # The final assessment, passed first time: scenarios are still left.
    start_assessment(page)
    answer(page, open_attempt_questions(live_app, email, "final"), correctly=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your result", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Passed: 100% (pass mark 80%)")
    expect(page.get_by_role("heading", name="Sections to reread")).to_have_count(0)
    expect(
        page.get_by_text("Well done. To finish the course, complete what is left:")
    ).to_be_visible()
    page.get_by_role("link", name="back to the course", exact=True).click()

    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Scenario exercises", level=2)).to_be_visible()
    for title, _mode, _path in REQUIRED_SCENARIOS:
        expect(page.get_by_text(f"Scenario: {title}", exact=True)).to_be_visible()

    for i, (title, mode, path) in enumerate(REQUIRED_SCENARIOS, start=1):
        play_best_path(page, title, mode, path, last=i == len(REQUIRED_SCENARIOS))

    # The last requirement met: certified.
    expect(
        page.get_by_text(
            re.compile(
                r"You are certified\. Your refresher opens on [A-Z][a-z]{2} \d{1,2}, \d{4}\."
            )
        )
    ).to_be_visible()
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    expect(progress_bar(page)).to_have_count(0)

    # My certificates, from the home page.
    page.get_by_role("navigation", name="Training").get_by_role("link", name="My training").click()
    page.get_by_role("main").get_by_role("paragraph").get_by_role(
        "link", name="My certificates"
    ).click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=COURSE_TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Valid")
    code = CODE.search(row.inner_text()).group(0)

    with page.expect_download() as info:
        row.get_by_role("link", name=re.compile(r"^Download PDF")).click()
    download = info.value
    assert download.suggested_filename == f"certificate-{code}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The public verification page, opened by someone with no session.
    visitor = new_page(browser)
    try:
        response = visitor.goto(f"{live_server}/verify/{code}")
        assert response is not None and response.status == 200
        expect(
            visitor.get_by_role("heading", name="Certificate verification", level=1)
        ).to_be_visible()
        expect(visitor.get_by_text("Valid", exact=True)).to_be_visible()
        expect(visitor.get_by_text(name, exact=True)).to_be_visible()
        expect(visitor.get_by_text(code, exact=True)).to_be_visible()
        expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)

        unknown = "AAAA-BBBB-CCCC-DDDD" if code != "AAAA-BBBB-CCCC-DDDD" else "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
        response = visitor.goto(f"{live_server}/verify/{unknown}")
        assert response is not None and response.status == 404
        expect(
            visitor.get_by_role("heading", name="Certificate not found", level=1)
        ).to_be_visible()
        expect(visitor.get_by_text(name)).to_have_count(0)
    finally:
        visitor.context.close()


def widths(page: Page) -> list[int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_module_and_assessment_pages_fit_a_phone(browser, live_server, live_app, tmp_path):
    email = "dana@example.com"
    page = new_page(browser, PHONE)
    try:
        sign_in(page, live_server, email)
        open_course_from_home(page)
        assert has_no_horizontal_scroll(page), ("course page", widths(page))

        # A module page with its knowledge check form (matching selects included).
        first_key, first_title = MODULES[0]
        open_module(page, first_title)
        expect(page.get_by_role("button", name="Check my answers")).to_be_visible()
        assert has_no_horizontal_scroll(page), ("module page", widths(page))

        back_to_course(page)
        pass_modules(page, live_app, email, MODULES)

        # The assessment page, then the attempt with its questions.
        page.get_by_role("link", name="Go to the assessment").click()
        expect(page.get_by_role("button", name="Start the assessment")).to_be_visible()
        assert has_no_horizontal_scroll(page), ("assessment page", widths(page))
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
        assert has_no_horizontal_scroll(page), ("assessment attempt page", widths(page))
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        print(f"\nscreenshot of the failure: {tmp_path / 'failure.png'}")
        raise
    finally:
        page.context.close()
