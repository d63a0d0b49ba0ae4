"""The learner path on the mini course: modules, knowledge checks, the final assessment,
evidence, double submits, versions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.certification.models import CertificationPeriod
from lms.courses.models import ModuleProgress
from lms.db import session
from lms.quizzes.models import Attempt
from tests.conftest import csrf_from, login
from tests.helpers import answers, edited_courses


@pytest.fixture
def learner(app, client, synced, make_person):
    person = make_person("lea@example.com")
    login(client, "lea@example.com")
    return person


def open_attempt(app, person_id, kind, module_key=""):
    with app.app_context():
        a = session.scalar(
            select(Attempt).where(
                Attempt.person_id == person_id,
                Attempt.kind == kind,
                Attempt.module_key == module_key,
                Attempt.submitted_at.is_(None),
            )
        )
        return (a.id, a.questions) if a else (None, None)


def pass_module(app, client, person, key, *, right=True):
    page = client.get(f"/courses/mini/modules/{key}")
    assert page.status_code == 200
    attempt_id, questions = open_attempt(app, person.id, "check", key)
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        **answers(questions, right=right, app=app, attempt_id=attempt_id),
    }
    response = client.post(f"/courses/mini/modules/{key}/check/{attempt_id}", data=data)
    assert response.status_code == 302
    return attempt_id, client.get(response.headers["Location"]).get_data(as_text=True)


def take_final(app, client, person, *, right=True):
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    start = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(page)})
    assert start.status_code == 302 and "/attempts/" in start.headers["Location"], (
        start.headers.get("Location")
    )
    attempt_page = client.get(start.headers["Location"])
    attempt_id, questions = open_attempt(app, person.id, "final")
    html = attempt_page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(html),
        **answers(questions, right=right, app=app, attempt_id=attempt_id),
    }
    response = client.post(f"/attempts/{attempt_id}", data=data)
    return attempt_id, html, data, response


def test_course_page_lists_modules_progress_and_what_is_left(learner, client):
    html = client.get("/courses/mini/").get_data(as_text=True)
    assert "The basics" in html and "Who speaks" in html
    assert "<progress" in html and "0 of 4 done" in html  # 2 modules + assessment + 1 scenario
    assert "2 modules to complete" in html and "The final assessment" in html
    assert "Opens when every module is complete." in html


def test_module_page_quotes_the_policy_and_holds_no_answers(learner, client):
    html = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    assert "<strong>every</strong>" in html and "<script>" not in html  # lesson rendered at sync
    assert "The policy text" in html and "every public online platform" in html
    assert "<details>" in html and "Read the policy section “Scope”" in html  # behind a disclosure
    assert 'name="q-basics-1"' in html
    assert "correct" not in re.sub(r"(?s)<label.*?</label>", "", html).lower().replace(
        "knowledge check", ""
    )


def test_failed_check_gives_feedback_and_allows_retry(app, learner, client):
    _, html = pass_module(app, client, learner, "basics", right=False)
    assert "Not passed yet" in html and "Read the policy section" in html
    assert "It covers every public platform." in html  # the question's feedback
    _, html = pass_module(app, client, learner, "basics", right=True)
    assert "You passed the knowledge check" in html
    with app.app_context():
        row = session.scalar(select(ModuleProgress).where(ModuleProgress.module_key == "basics"))
        assert row.passed_at is not None and row.best_score == 100


def test_assessment_opens_only_when_modules_are_complete(app, learner, client):
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    assert "opens when every module is complete" in page
    response = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(page)})
    assert response.headers["Location"].endswith("/courses/mini/assessment")
    with app.app_context():
        assert (
            session.scalar(select(func.count()).select_from(Attempt).where(Attempt.kind == "final"))
            == 0
        )


def complete_modules(app, client, person):
    for key in ("basics", "voice"):
        pass_module(app, client, person, key)


def test_pass_final_records_evidence_and_does_not_leak_answers(app, learner, client):
    complete_modules(app, client, learner)
    attempt_id, html, _, response = take_final(app, client, learner)
    assert '"correct"' not in html and "correct: true" not in html
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed" in result and "100%" in result
    with app.app_context():
        a = session.get(Attempt, attempt_id)
        assert a.passed and a.score == 100 and a.submitted_at
        assert len(a.questions) == 4 and len(a.results) == 4
        assert {q["section"] for q in a.questions} == {"scope", "voice", "complaints"}
        assert set(a.answers) == {q["id"] for q in a.questions}


def test_failed_final_shows_sections_to_reread_without_answers(app, learner, client):
    complete_modules(app, client, learner)
    attempt_id, _, _, response = take_final(app, client, learner, right=False)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not passed" in result and "Sections to reread" in result
    assert "#section-scope" in result
    assert (
        "status-green" not in result.split("Questions you missed")[1]
    )  # right answers not revealed


def test_double_submit_records_one_result(app, learner, client):
    complete_modules(app, client, learner)
    attempt_id, _, data, first = take_final(app, client, learner, right=False)
    right = answers(
        open_attempt_snapshot(app, attempt_id), right=True, app=app, attempt_id=attempt_id
    )
    second = client.post(f"/attempts/{attempt_id}", data={**data, **right})
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        attempts = session.scalars(select(Attempt).where(Attempt.kind == "final")).all()
        assert len(attempts) == 1 and attempts[0].passed is False  # the first submission stands


def open_attempt_snapshot(app, attempt_id):
    with app.app_context():
        return session.get(Attempt, attempt_id).questions


def test_start_twice_resumes_the_same_attempt(app, learner, client):
    complete_modules(app, client, learner)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    token = csrf_from(page)
    first = client.post("/courses/mini/assessment", data={"csrf_token": token})
    second = client.post("/courses/mini/assessment", data={"csrf_token": token})
    assert first.headers["Location"] == second.headers["Location"]


def test_attempt_limit_and_cooldown(app, learner, client, database_url):
    complete_modules(app, client, learner)
    take_final(app, client, learner, right=False)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    assert "Attempts: 1 of 3 used" in page
    take_final(app, client, learner, right=False)
    take_final(app, client, learner, right=False)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    assert "You have used every attempt" in page


def test_someone_elses_attempt_is_404(app, learner, client, make_person):
    complete_modules(app, client, learner)
    attempt_id, *_ = take_final(app, client, learner)
    make_person("other@example.com")
    other = app.test_client()
    login(other, "other@example.com")
    assert other.get(f"/attempts/{attempt_id}/result").status_code == 404
    assert other.get(f"/attempts/{attempt_id}").status_code == 404


def test_attempt_started_on_old_version_is_graded_on_it(app, learner, client, tmp_path):
    complete_modules(app, client, learner)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    start = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(page)})
    attempt_id, questions = open_attempt(app, learner.id, "final")
    # The course changes under the learner: every question's wording and answers change.
    root = edited_courses(
        tmp_path, {"mini/questions/final.yaml": [("answer: false", "answer: true")]}
    )
    from lms.courses.sync import sync_courses

    with app.app_context():
        outcomes, problems = sync_courses(root)
        assert not problems and outcomes[0].version == 2
    html = client.get(start.headers["Location"]).get_data(as_text=True)
    client.post(
        f"/attempts/{attempt_id}",
        data={"csrf_token": csrf_from(html), **answers(questions, app=app, attempt_id=attempt_id)},
    )
    with app.app_context():
        a = session.get(Attempt, attempt_id)
        assert a.passed and a.score == 100  # graded on version 1's key, not version 2's


RENAMED_TEAM = ("Only the social team answers", "Only the social media team answers")


def test_progress_on_unchanged_sections_survives_a_new_version(app, learner, client, tmp_path):
    complete_modules(app, client, learner)
    root = edited_courses(tmp_path, {"mini/policy.md": [RENAMED_TEAM]})
    from lms.courses.sync import sync_courses

    with app.app_context():
        sync_courses(root)
    html = client.get("/courses/mini/").get_data(as_text=True).split(">Modules</h2>")[1]
    basics = html.split("The basics")[1].split("</li>")[0]
    voice = html.split("Who speaks")[1].split("</li>")[0]
    assert "Complete" in basics
    assert "Updated: review again" in voice


def test_what_changed_page_shows_a_readable_diff(app, learner, client, tmp_path):
    root = edited_courses(tmp_path, {"mini/policy.md": [RENAMED_TEAM]})
    from lms.courses.sync import sync_courses

    with app.app_context():
        sync_courses(root)
    html = client.get("/courses/mini/versions/2/changes").get_data(as_text=True)
    assert "Who speaks" in html and "<ins>" in html
    assert (
        "Scope" not in html.split("What changed in v2")[1].split("All versions")[0]
    )  # unchanged: not listed


def test_completing_everything_certifies(app, learner, client):
    complete_modules(app, client, learner)
    take_final(app, client, learner)
    with app.app_context():
        assert (
            session.scalar(select(func.count()).select_from(CertificationPeriod)) == 0
        )  # scenario still required


def test_a_final_with_questions_left_blank_is_sent_back_with_the_answers_kept(app, learner, client):
    """Counted attempts are precious: a blank question spends none and grades nothing."""
    complete_modules(app, client, learner)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    start = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(page)})
    html = client.get(start.headers["Location"]).get_data(as_text=True)
    attempt_id, questions = open_attempt(app, learner.id, "final")
    data = {"csrf_token": csrf_from(html), **answers(questions, app=app, attempt_id=attempt_id)}
    first = f"q-{questions[0]['id']}"
    only_first = {k: v for k, v in data.items() if k == "csrf_token" or k.startswith(first)}
    response = client.post(f"/attempts/{attempt_id}", data=only_first)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Questions 2, 3, and 4 have no answer yet" in shown
    assert "no attempt was used" in shown and "Welcome back" not in shown
    kept = [v for k, v in only_first.items() if k != "csrf_token"]
    for value in (v for item in kept for v in ([item] if isinstance(item, str) else item)):
        assert re.search(rf'value="{re.escape(value)}"[^>]*(checked|selected)', shown), value
    with app.app_context():
        assert session.get(Attempt, attempt_id).submitted_at is None
    # Every question answered: graded as usual.
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")


def test_feedback_tells_a_missed_right_answer_from_a_chosen_one(app, learner, client):
    _, html = pass_module(app, client, learner, "voice", right=False)  # ticks the two wrong
    feedback = re.sub(r"\s+", " ", html)
    assert re.search(
        r"The social team <span class=\"status status-amber\">right answer you did not choose</span>",
        feedback,
    )
    assert re.search(
        r"Your answer:</strong> Any employee <span class=\"status status-red\">wrong</span>",
        feedback,
    )
    _, html = pass_module(app, client, learner, "voice", right=True)
    assert "right answer you did not choose" not in html
