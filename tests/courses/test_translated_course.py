"""A course's translations reach the database and its learners.

The mini course with the partial Finnish translation in ``tests/fixtures/translations``
(some items left out on purpose), stamped as up to date in a temporary copy: sync stores
it with the version, a translation-only change keeps the version, and a Finnish learner
sees Finnish text wherever there is some and the English source elsewhere.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.certification.models import CertificationPeriod, ReviewTask
from lms.courses import translations
from lms.courses.models import CourseVersion, ItemTranslation
from lms.courses.source import load_course
from lms.courses.sync import sync_courses
from lms.db import session
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun
from tests.conftest import FIXTURE_COURSES, FIXTURES, csrf_from, login, post_form
from tests.courses.test_learner_path import open_attempt, pass_module, take_final
from tests.helpers import answers, count_queries
from tests.scenarios.test_play import INTRO, choose, play, start

FINNISH = FIXTURES / "translations" / "mini" / "fi"


def translated_copy(root: Path) -> Path:
    """``root``/mini: the mini course with its Finnish translation, stamped up to date."""
    folder = root / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", folder)
    shutil.copytree(FINNISH, folder / "translations" / "fi")
    course, problems = load_course(folder)
    assert not problems, problems
    translations.stamp(course, "fi")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def sync(app, root: Path):
    with app.app_context():
        outcomes, problems = sync_courses(root)
    assert not problems, [str(p) for p in problems]
    (outcome,) = outcomes
    return outcome


def stored(app, version: int | None = None) -> dict[tuple[str, str], ItemTranslation]:
    with app.app_context():
        number = version or session.scalar(select(func.max(CourseVersion.number)))
        rows = session.scalars(
            select(ItemTranslation)
            .join(CourseVersion, CourseVersion.id == ItemTranslation.version_id)
            .where(CourseVersion.number == number)
        )
        out = {(r.kind, r.key): r for r in rows}
        session.expunge_all()
        return out


@pytest.fixture
def course_root(tmp_path) -> Path:
    return translated_copy(tmp_path / "courses")


# --------------------------------------------------------------------------- sync


def test_sync_stores_every_translated_item_with_the_version(app, course_root):
    outcome = sync(app, course_root)
    assert outcome.created and outcome.version == 1 and outcome.translations == ("fi",)
    rows = stored(app)
    assert {r.language for r in rows.values()} == {"fi"}
    assert ("section", "complaints") not in rows and ("module", "voice") not in rows  # untranslated
    assert rows[("module", "basics")].text == {"title": "Perusasiat"}
    assert rows[("lesson", "basics")].text["body_html"].startswith("<h2>Miksi</h2>")
    question = rows[("question", "basics-1")].text
    assert question["choices"]["c2"]["text"] == "Jokaisen julkisen verkkoalustan"
    assert rows[("question", "voice-2")].text["options"] == {
        "Report it": "Ilmoita siitä",
        "Point to support": "Ohjaa asiakaspalveluun",
    }
    assert (
        rows[("node", "complaint/good-end")].text["debrief_html"] == "<p>Ilmoita, älä väittele.</p>"
    )
    assert not any(r.stale for r in rows.values())


def test_a_translation_only_change_keeps_the_version_and_updates_its_text(app, course_root):
    sync(app, course_root)
    edit(course_root / "mini" / "translations" / "fi" / "course.yaml", "Perusasiat", "Perusteet")
    outcome = sync(app, course_root)
    assert (outcome.created, outcome.version, outcome.translations) == (False, 1, ("fi",))
    assert stored(app)[("module", "basics")].text == {"title": "Perusteet"}
    assert sync(app, course_root).translations == ()  # again: nothing changed
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_a_changed_source_section_makes_a_version_whose_translation_is_stale(app, course_root):
    sync(app, course_root)
    edit(
        course_root / "mini" / "policy.md",
        "every public online platform",
        "every public platform online",
    )
    outcome = sync(app, course_root)
    assert outcome.created and outcome.version == 2
    rows = stored(app, 2)
    assert {k for k, r in rows.items() if r.stale} == {("section", "scope")}
    assert rows[("section", "scope")].text["title"] == "Soveltamisala"  # stored all the same
    assert not any(r.stale for r in stored(app, 1).values())  # version 1 keeps its own


def test_structure_in_a_translation_stops_the_sync(app, course_root):
    edit(
        course_root / "mini" / "translations" / "fi" / "questions" / "basics.yaml",
        "  feedback: Se kattaa",
        "  answer: true\n  feedback: Se kattaa",
    )
    with app.app_context():
        outcomes, problems = sync_courses(course_root)
        assert (
            outcomes == [] and session.scalar(select(func.count()).select_from(CourseVersion)) == 0
        )
    assert any(
        "'answer' is structure" in str(p) and "translations/fi/questions/basics.yaml" in str(p)
        for p in problems
    )


# --------------------------------------------------------------------------- learners


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def switch(client, locale: str) -> None:
    assert (
        post_form(client, "/language", {"locale": locale, "next": "/"}, page="/").status_code == 302
    )


@pytest.fixture
def finn(app, client, course_root, make_person):
    """A signed-in learner who chose Finnish, on the synced translated course."""
    sync(app, course_root)
    person = make_person("aino@example.com", name="Aino Virtanen")
    login(client, person.email)
    switch(client, "fi")
    return person


def test_a_finnish_learner_sees_the_course_in_finnish_with_the_source_where_untranslated(
    finn, client
):
    course = page(client, "/courses/mini/")
    assert "Pieni ohjekurssi" in course and "Kahden moduulin kurssi" in course
    assert "Perusasiat" in course and "Valitus" in course
    assert "Who speaks" in course  # the module "voice" has no Finnish title: the source's

    basics = page(client, "/courses/mini/modules/basics")
    assert "<h1>Perusasiat</h1>" in basics and "<strong>jokaisen</strong>" in basics
    assert "Soveltamisala" in basics and "Ohje kattaa jokaisen julkisen verkkoalustan." in basics
    assert "Mitä ohje kattaa?" in basics and "Jokaisen julkisen verkkoalustan" in basics
    assert (
        "What does the policy cover?" not in basics and "Every public online platform" not in basics
    )
    assert "Who speaks →" in basics  # the next module, untranslated

    voice = page(client, "/courses/mini/modules/voice")
    assert "<h1>Who speaks</h1>" in voice and "Report to the social team" in voice  # lesson: source
    assert "Kuka puhuu" in voice and "Complaints" in voice  # one section translated, one not
    assert "Kuka saa vastata yrityksen puolesta?" in voice and "Harjoittelijat" in voice
    assert "Vihainen kommentti" in voice and "Ohjaa asiakaspalveluun" in voice  # matching

    policy = page(client, "/courses/mini/policy")
    assert "<h1>Pieni ohje</h1>" in policy and "Koskee kaikkia." in policy
    assert "Soveltamisala" in policy and "Do not argue in public" in policy
    assert "Translation may be out of date" not in policy


def test_the_scenario_plays_in_finnish_and_falls_back_per_node(app, finn, client):
    intro = page(client, INTRO)
    assert "<h1>Valitus</h1>" in intro and "Asiakas valittaa." in intro
    run_id = start(client)
    node = page(client, f"/scenario-runs/{run_id}")
    assert "Huonointa palvelua ikinä" in node
    assert "Ilmoita somatiimille" in node and "Väittele vastaan" in node and ">Argue<" not in node
    choose(client, run_id, 1)
    node = page(client, f"/scenario-runs/{run_id}")
    assert "Tiimi kiittää sinua." in node and "Oikein." in node  # immediate feedback, translated
    assert "Ilmoita somatiimille" in node  # the path so far
    play(client, run_id, [1])
    debrief = page(client, f"/scenario-runs/{run_id}/debrief")
    assert "Tiimi vastaa ja asiakas saa apua." in debrief and "Ilmoita, älä väittele." in debrief
    assert "Jätä asia heille" in debrief
    with app.app_context():
        run = session.get(ScenarioRun, run_id)
        assert run.passed and run.score == 100 and run.locale == "fi"
    second = start(client)
    play(client, second, [1, 0])  # to ok-end, which has no Finnish text
    debrief = page(client, f"/scenario-runs/{second}/debrief")
    assert "Two answers confuse the customer." in debrief and "Let the team answer." in debrief
    assert "Lisää oma vastauksesi" in debrief


def test_switching_language_mid_course_keeps_progress_grading_and_the_certificate(
    app, finn, client
):
    check_id, result = pass_module(app, client, finn, "basics", right=False)
    assert "Se kattaa jokaisen julkisen alustan." in result  # the feedback, in Finnish
    pass_module(app, client, finn, "basics")
    switch(client, "en")
    course = page(client, "/courses/mini/")
    basics = course.split("The basics")[1].split("</li>")[0]
    assert "Complete" in basics and "Pieni ohjekurssi" not in course
    pass_module(app, client, finn, "voice")

    # The final: started on a Finnish page, answered on an English one, graded the same.
    switch(client, "fi")
    html = page(client, "/courses/mini/assessment")
    started = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(html)})
    attempt_id, questions = open_attempt(app, finn.id, "final")
    switch(client, "en")
    html = page(client, started.headers["Location"])
    response = client.post(
        started.headers["Location"],
        data={"csrf_token": csrf_from(html), **answers(questions, app=app, attempt_id=attempt_id)},
    )
    assert response.status_code == 302
    run_id = start(client)
    play(client, run_id, [1, 1])
    with app.app_context():
        attempts = {
            a.module_key or a.kind: a
            for a in session.scalars(
                select(Attempt).where(Attempt.person_id == finn.id, Attempt.passed.is_(True))
            )
        }
        assert attempts["final"].score == 100 and attempts["final"].locale == "en"
        assert attempts["basics"].locale == "fi" and attempts["voice"].locale == "en"
        (period,) = session.scalars(select(CertificationPeriod)).all()
        assert period.details["course_title"] == "Mini policy course"  # frozen in the source
        code = period.code
    switch(client, "fi")
    assert "Pieni ohjekurssi" in page(client, "/certificates/")
    pdf = client.get(f"/certificates/{code}.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Pieni ohjekurssi" in text and "Mini policy course" not in text


def test_a_final_started_in_finnish_shows_finnish_questions_with_the_source_tokens(
    app, finn, client
):
    pass_module(app, client, finn, "basics")
    pass_module(app, client, finn, "voice")
    html = page(client, "/courses/mini/assessment")
    started = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(html)})
    attempt_id, questions = open_attempt(app, finn.id, "final")
    html = page(client, started.headers["Location"])
    with app.app_context():
        from lms.quizzes.tokens import answer_token

        for q in questions:
            for c in q["choices"]:  # every choice's token is on the page, whatever its words
                assert answer_token(attempt_id, q["id"], c["id"]) in html
    translated = {
        "final-scope-1": "Kuuluuko videopalvelu ohjeen piiriin?",
        "final-voice-1": "Asiakas kysyy jotain yrityksen sivulla. Kuka vastaa?",
    }
    for q in questions:
        assert translated.get(q["id"], q["prompt"]) in html
        if q["id"] in translated:
            assert q["prompt"] not in html
    response = client.post(
        started.headers["Location"],
        data={
            "csrf_token": csrf_from(html),
            **answers(questions, right=False, app=app, attempt_id=attempt_id),
        },
    )
    result = page(client, response.headers["Location"])
    assert "Soveltamisala" in result and "Kuka puhuu" in result  # the sections to reread
    for q in questions:  # every question was missed: each is shown, in Finnish where there is some
        assert translated.get(q["id"], q["prompt"]) in result
    with app.app_context():
        attempt = session.get(Attempt, attempt_id)
        assert attempt.score == 0 and attempt.locale == "fi"


def stale_scope(app, course_root) -> None:
    edit(
        course_root / "mini" / "policy.md",
        "every public online platform",
        "every public platform online",
    )
    edit(
        course_root / "mini" / "questions" / "basics.yaml",
        "What does the policy cover?",
        "What does this policy cover?",
    )
    assert sync(app, course_root).version == 2


def test_a_stale_item_shows_the_translation_with_a_note(app, finn, client, course_root):
    stale_scope(app, course_root)
    policy = page(client, "/courses/mini/policy")
    scope = policy.split('id="section-scope"')[1].split("</section>")[0]
    assert (
        "Soveltamisala" in scope and "Käännös voi olla vanhentunut." in scope
    )  # the note in the fi catalogue
    voice = policy.split('id="section-voice"')[1].split("</section>")[0]
    assert "Kuka puhuu" in voice and "out of date" not in voice
    basics = page(client, "/courses/mini/modules/basics")
    assert "Mitä ohje kattaa?" in basics and basics.count("Käännös voi olla vanhentunut.") == 2
    assert "<strong>jokaisen</strong>" in basics  # the lesson is not stale


def test_a_stale_item_shows_the_source_when_the_setting_says_so(app, finn, client, course_root):
    stale_scope(app, course_root)
    app.config["LMS_STALE_TRANSLATIONS"] = "source"
    policy = page(client, "/courses/mini/policy")
    scope = policy.split('id="section-scope"')[1].split("</section>")[0]
    assert (
        "Scope" in scope
        and "every public platform online" in scope
        and "Soveltamisala" not in scope
    )
    assert "Kuka puhuu" in policy and "out of date" not in policy
    basics = page(client, "/courses/mini/modules/basics")
    assert "What does this policy cover?" in basics and "Mitä ohje kattaa?" not in basics
    assert "Perusasiat" in basics


def test_a_translation_change_leaves_certificates_alone(app, finn, client, course_root):
    complete(app, client, finn)
    with app.app_context():
        before = [
            (p.id, p.version_id, p.certified_on, p.valid_until)
            for p in session.scalars(select(CertificationPeriod))
        ]
    assert len(before) == 1
    edit(
        course_root / "mini" / "translations" / "fi" / "course.yaml",
        "Pieni ohjekurssi",
        "Pikkukurssi",
    )
    outcome = sync(app, course_root)
    assert (outcome.created, outcome.version, outcome.reviews) == (False, 1, 0)
    with app.app_context():
        after = [
            (p.id, p.version_id, p.certified_on, p.valid_until)
            for p in session.scalars(select(CertificationPeriod))
        ]
        assert after == before and session.scalar(select(func.count()).select_from(ReviewTask)) == 0
    course = page(client, "/courses/mini/")
    assert "<h1>Pikkukurssi</h1>" in course and "Olet sertifioitu." in course  # the fi catalogue


def test_mail_course_titles_are_in_the_recipients_language(app, finn, client, make_person):
    complete(app, client, finn)
    admin = make_person("admin@example.com", role="admin")
    with app.app_context():
        from lms.accounts.models import Person
        from lms.certification import revocation
        from lms.outbox.models import OutboxJob

        period = session.scalars(select(CertificationPeriod)).one()
        assert revocation.revoke(
            period, reason="Issued by mistake", by=session.get(Person, admin.id)
        )
        (job,) = session.scalars(select(OutboxJob).where(OutboxJob.key == f"revoked:{period.id}"))
        assert (
            "Pieni ohjekurssi" in job.payload["subject"]
            and "Pieni ohjekurssi" in job.payload["text"]
        )


def complete(app, client, person) -> None:
    pass_module(app, client, person, "basics")
    pass_module(app, client, person, "voice")
    take_final(app, client, person)
    play(client, start(client), [1, 1])
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(CertificationPeriod)) == 1


# --------------------------------------------------------------------------- statements


LEARNER_PAGES = (
    "/",
    "/courses/mini/",
    "/courses/mini/modules/basics",
    "/courses/mini/modules/voice",
    "/courses/mini/policy",
    "/courses/mini/assessment",
    INTRO,
)


def test_a_translated_page_costs_at_most_one_statement_more(app, finn, client, monkeypatch):
    """Every learner page loads its translated text in one statement: the same page with
    the overlay switched off runs exactly that one fewer (none fewer when it wants no text)."""
    from lms.courses import localized

    def counts() -> dict[str, int]:
        with app.app_context():
            engine = app.extensions["sqlalchemy"].engine
        out = {}
        for url in LEARNER_PAGES:
            page(client, url)  # warm-up: a first visit writes progress rows
            with count_queries(engine) as statements:
                html = page(client, url)
            out[url] = (len(statements), html)
        return out

    translated = counts()
    monkeypatch.setattr(localized, "load", lambda wants: localized.Texts(words=localized._words()))
    plain = counts()
    for url in LEARNER_PAGES:
        assert translated[url][0] - plain[url][0] == 1, url
    assert "Pieni ohjekurssi" in translated["/"][1] and "Pieni ohjekurssi" not in plain["/"][1]


def test_what_changed_is_in_finnish_once_the_translation_is_current(app, finn, client, course_root):
    stale_scope(app, course_root)
    changes = page(client, "/courses/mini/versions/2/changes")
    assert (
        "Scope" in changes and "Soveltamisala" not in changes
    )  # the Finnish text is stale: source diff
    edit(
        course_root / "mini" / "translations" / "fi" / "policy.md",
        "jokaisen julkisen verkkoalustan.",
        "jokaisen julkisen alustan verkossa.",
    )
    course, problems = load_course(course_root / "mini")
    assert not problems and translations.stamp(course, "fi", {"scope"}) >= 1
    outcome = sync(app, course_root)
    assert (outcome.created, outcome.version, outcome.translations) == (False, 2, ("fi",))
    changes = page(client, "/courses/mini/versions/2/changes")
    assert "Soveltamisala" in changes and "verkossa" in changes and "<ins>" in changes
    assert "every public platform online" not in changes
