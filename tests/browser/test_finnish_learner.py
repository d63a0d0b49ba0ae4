"""A Finnish employee takes the course in a real browser: the interface and the course in
Finnish from sign-in, a switch to Polish with the header's language switcher half-way
(progress kept, the content now Polish), the rest in Polish, and a certificate PDF in the
language the person last chose (their saved preference: the certificate is printed in its
holder's language), with Finnish and Polish letters intact.

The interface's words are looked up in the shipped catalogues and the course's in its
translation files, so the test follows the translators' text; a few literal words pin
that the page really is in that language. Answers are given through the page's answer
tokens (computed from the attempt's server-side snapshot), whatever the language.
"""

from __future__ import annotations

import io
import re

import pytest
from babel.dates import format_date
from babel.support import Translations
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lms import i18n
from tests.browser.conftest import DEMO_PASSWORD, sign_in
from tests.browser.test_learner_path import COURSE, COURSE_DIR, MODULES, SLUG, _yaml

EMAIL, NAME = "paivi@example.com", "Päivi Mäkinen-Łukasik"
SWITCH_AFTER = 4  # modules passed in Finnish before switching to Polish
TRANSLATIONS = COURSE_DIR / "translations"


class Language:
    """One language's words: the UI's from its catalogue, the course's from its files."""

    def __init__(self, code: str):
        self.code = code
        self.ui = Translations.load(str(i18n.TRANSLATIONS), [code], "messages")
        assert self.ui.ugettext("My training") != "My training", f"no {code} catalogue"
        course = _yaml(TRANSLATIONS / code / "course.yaml")
        self.title = course["title"]
        self.modules = {key: course["modules"][key]["title"] for key, _title in MODULES}
        self.prompts = {
            q["id"]: q["prompt"]
            for path in (TRANSLATIONS / code / "questions").glob("*.yaml")
            for q in _yaml(path)
        }
        self.scenarios = {
            path.stem: _yaml(path) for path in (TRANSLATIONS / code / "scenarios").glob("*.yaml")
        }

    def __call__(self, msgid: str, **values) -> str:
        text = self.ui.ugettext(msgid)
        return text % values if values else text


FI, PL = Language("fi"), Language("pl")


# --- setup and server-side reads ---------------------------------------------------------


@pytest.fixture(scope="module")
def finnish_employee(live_app) -> str:
    """A new employee whose saved language is Finnish, assigned the course today (the way an
    HR import would create them)."""
    from lms.accounts import services as accounts
    from lms.certification import services as certification
    from lms.courses.services import latest_version_by_slug

    with live_app.app_context():
        person = accounts.create_person(
            email=EMAIL, name=NAME, role="employee", password=DEMO_PASSWORD
        )
        person.locale = "fi"
        accounts.session.commit()
        version = latest_version_by_slug(SLUG)
        certification.assign(version.course_id, [person.id], reason="annual", due_on=None, by=None)
    return EMAIL


def saved_locale(app) -> str | None:
    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.db import session

    with app.app_context():
        return session.scalar(select(Person.locale).where(Person.email == EMAIL))


def open_attempt(app, kind: str, module_key: str = "") -> tuple[int, list[dict]]:
    """The id and the questions (with their key) of the person's one open attempt."""
    import copy

    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.db import session
    from lms.quizzes.models import Attempt

    with app.app_context():
        attempt = session.scalars(
            select(Attempt)
            .join(Person, Person.id == Attempt.person_id)
            .where(
                Person.email == EMAIL,
                Attempt.kind == kind,
                Attempt.module_key == module_key,
                Attempt.submitted_at.is_(None),
            )
        ).one()
        return attempt.id, copy.deepcopy(attempt.questions)


def answer_right(page: Page, app, lang: Language, kind: str, module_key: str = "") -> None:
    """Check that each question reads in ``lang`` and answer it right, by answer token."""
    from lms.quizzes.tokens import answer_token

    attempt_id, questions = open_attempt(app, kind, module_key)
    with app.app_context():
        for q in questions:
            box = page.locator(f'fieldset[id="question-{q["id"]}"]')
            start = re.split(r"[*_`\[]", " ".join(lang.prompts[q["id"]].split()))[0].strip()
            expect(box.locator("legend")).to_contain_text(start)
            if q["type"] == "matching":
                for pair in q["pairs"]:
                    token = answer_token(attempt_id, q["id"], pair["right"])
                    box.locator(f'select[id="q-{q["id"]}-{pair["id"]}"]').select_option(token)
                continue
            for choice in [c for c in q["choices"] if c["correct"]]:
                token = answer_token(attempt_id, q["id"], choice["id"])
                box.locator(f'input[value="{token}"]').check()
                if q["type"] != "multiple":
                    break


# --- steps, in the page's language -------------------------------------------------------


def expect_language(page: Page, lang: Language) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang.code)
    nav = page.get_by_role("navigation", name=lang("Training"))
    expect(nav.get_by_role("link", name=lang("My training"))).to_be_visible()


def module_item(page: Page, lang: Language, title: str):
    return (
        page.get_by_role("list", name=lang("Modules"))
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=title, exact=True))
    )


def pass_module(page: Page, app, lang: Language, key: str) -> None:
    """From the course page: open the module, pass its check, come back."""
    title = lang.modules[key]
    module_item(page, lang, title).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=lang("Knowledge check"), level=2)).to_be_visible()
    answer_right(page, app, lang, "check", key)
    page.get_by_role("button", name=lang("Check my answers")).click()
    expect(page.get_by_role("status")).to_contain_text(
        lang("You passed the knowledge check (%(s)s%%).", s=100)
    )
    page.get_by_role("navigation", name=lang("Breadcrumb")).get_by_role(
        "link", name=lang.title
    ).click()
    expect(page.get_by_role("heading", name=lang.title, level=1)).to_be_visible()
    expect(module_item(page, lang, title)).to_contain_text(lang("Complete"))


def acknowledge(page: Page, lang: Language) -> None:
    page.get_by_role("link", name=lang("Continue: acknowledge the policy")).click()
    expect(page.get_by_role("heading", name=lang("Acknowledge the policy"))).to_be_visible()
    page.get_by_label(lang("Your full name, as a signature")).fill(NAME)
    page.get_by_label(
        lang("I have read this version of the policy, I understand it and I will follow it.")
    ).check()
    page.get_by_role("button", name=lang("Sign the acknowledgement")).click()
    expect(
        page.get_by_text(lang("Thank you: your acknowledgement of the policy is recorded."))
    ).to_be_visible()


def pass_assessment(page: Page, app, lang: Language) -> None:
    page.goto(page.url.split("/courses/")[0] + f"/courses/{SLUG}/")
    page.get_by_role("link", name=lang("Go to the assessment")).click()
    page.get_by_role("button", name=lang("Start the assessment")).click()
    expect(page.get_by_role("group")).to_have_count(COURSE["assessment"]["draw"])
    answer_right(page, app, lang, "final")
    page.get_by_role("button", name=lang("Submit my answers")).click()
    expect(page.get_by_role("heading", name=lang("Your result"), level=1)).to_be_visible()
    page.get_by_role("link", name=lang("back to the course"), exact=True).click()
    expect(page.get_by_role("heading", name=lang.title, level=1)).to_be_visible()


def play_best_path(page: Page, lang: Language, entry: dict) -> None:
    """From the course page: a required scenario on its best path, read in ``lang``."""
    source = _yaml(COURSE_DIR / entry["file"])
    text = lang.scenarios[source["id"]]
    page.get_by_role("list", name=lang("Scenario exercises")).get_by_role(
        "link", name=text["title"], exact=True
    ).click()
    expect(page.get_by_role("heading", name=text["title"], level=1)).to_be_visible()
    page.get_by_role("button", name=lang("Start"), exact=True).click()
    nodes = {n["id"]: n for n in source["nodes"]}
    node = nodes[source["start"]]
    while node.get("choices"):
        best = max(range(len(node["choices"])), key=lambda i: node["choices"][i]["score"])
        label = " ".join(text["nodes"][node["id"]]["choices"][best]["text"].split())
        page.get_by_role("group", name=lang("What do you do?")).get_by_label(
            label, exact=True
        ).check()
        page.get_by_role("button", name=lang("Choose"), exact=True).click()
        node = nodes[node["choices"][best]["next"]]
    expect(
        page.get_by_role("heading", name=lang("Debrief: %(t)s", t=text["title"]), level=1)
    ).to_be_visible()
    expect(page.get_by_text(lang("Well done: you passed this scenario."))).to_be_visible()
    page.get_by_role("link", name=lang("Back to the course"), exact=True).click()
    expect(page.get_by_role("heading", name=lang.title, level=1)).to_be_visible()


# --- the walk ----------------------------------------------------------------------------


def test_a_finnish_employee_switches_to_polish_mid_course_and_gets_a_polish_certificate(
    page, live_server, live_app, finnish_employee, tmp_path
):
    from lms.clock import today as server_today

    # Signed in: the interface and the course in Finnish (the saved preference).
    sign_in(page, live_server, finnish_employee)
    expect_language(page, FI)
    expect(page.get_by_role("heading", name="Omat koulutukset", level=1)).to_be_visible()
    first_module = FI.modules[MODULES[0][0]]  # the Continue button names it in Finnish too
    expect(page.get_by_role("link", name=FI("Start: %(t)s", t=first_module))).to_be_visible()
    page.get_by_role("link", name=FI.title, exact=True).click()
    expect(page.get_by_role("heading", name=FI.title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=FI("Modules"), level=2)).to_be_visible()
    for key, _title in MODULES:
        expect(module_item(page, FI, FI.modules[key])).to_contain_text(FI("Not started"))

    # Part of the course in Finnish.
    for key, _title in MODULES[:SWITCH_AFTER]:
        pass_module(page, live_app, FI, key)

    # The header's switcher: Polish. Back on the same page, in Polish, progress kept.
    page.get_by_label(FI("Language")).select_option("pl")
    page.get_by_role("button", name=FI("Change")).click()
    expect_language(page, PL)
    expect(page.get_by_role("heading", name=PL.title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Moduły", level=2)).to_be_visible()
    assert saved_locale(live_app) == "pl"
    for i, (key, _title) in enumerate(MODULES):
        state = PL("Complete") if i < SWITCH_AFTER else PL("Not started")
        expect(module_item(page, PL, PL.modules[key])).to_contain_text(state)
    expect(page.get_by_text(FI.title)).to_have_count(0)

    # The rest in Polish: modules, the acknowledgement, the assessment, the scenarios.
    for key, _title in MODULES[SWITCH_AFTER:]:
        pass_module(page, live_app, PL, key)
    acknowledge(page, PL)
    pass_assessment(page, live_app, PL)
    for entry in [e for e in COURSE["scenarios"] if e.get("required", True)]:
        play_best_path(page, PL, entry)
    refresher_text = PL("You are certified. Your refresher opens on %(d)s.", d="@").split("@")[0]
    expect(page.get_by_text(refresher_text)).to_be_visible()

    # My certificates, then the PDF: in Polish, the holder's saved language.
    page.get_by_role("navigation", name=PL("Training")).get_by_role(
        "link", name=PL("My certificates")
    ).click()
    expect(page.get_by_role("heading", name=PL("My certificates"), level=1)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^" + re.escape(PL("Download PDF")))).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    text = " ".join(reader.pages[0].extract_text().split())
    with live_app.app_context():
        today = server_today()
    for words in (
        PL("Certificate of completion"),
        PL("This certifies that"),
        PL("Certified on"),
        PL("Valid until"),
        NAME,  # ä and Ł, as typed
        PL.title,  # ó, ś, ł
        format_date(today, "long", locale="pl"),  # "1 grudnia 2026"
    ):
        assert words in text, (words, text)
    assert "Świadectwo" in text or "Certyfikat" in text, text  # Polish, not a fallback
    assert FI("Certificate of completion") not in text and "Certificate of completion" not in text
    assert reader.trailer["/Root"]["/Lang"] == "pl"
