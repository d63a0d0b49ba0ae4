"""Signed out while answering: the answers survive and nobody lands on a POST-only URL."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, csrf_from, login, post_form
from tests.courses.test_learner_path import open_attempt
from tests.helpers import answers


@pytest.fixture
def learner(app, client, synced, make_person):
    person = make_person("lea@example.com")
    login(client, "lea@example.com")
    return person


def sign_out_elsewhere(app, client):
    """Another tab signs out: the same browser, so the same cookie jar."""
    html = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(html)}).status_code == 302


def checked_tokens(html: str) -> set[str]:
    return set(re.findall(r'value="([^"]+)"\s+id="[^"]+"\s*(?:required)?\s*checked', html)) | set(
        re.findall(r'<option value="([^"]+)" selected>', html)
    )


def test_a_knowledge_check_sent_after_signing_out_keeps_its_answers(app, client, learner):
    page = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    attempt_id, questions = open_attempt(app, learner.id, "check", "basics")
    data = answers(questions, right=True, app=app, attempt_id=attempt_id)
    sign_out_elsewhere(app, client)

    refused = client.post(
        f"/courses/mini/modules/basics/check/{attempt_id}",
        data={"csrf_token": csrf_from(page), **data},
        headers={"Referer": "http://localhost/courses/mini/modules/basics"},
    )
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/login?next=/courses/mini/modules/basics")

    signed_in = post_form(
        client, refused.headers["Location"], {"email": "lea@example.com", "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == "/courses/mini/modules/basics"  # never the POST URL
    again = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    sent = {v for value in data.values() for v in (value if isinstance(value, list) else [value])}
    assert sent and checked_tokens(again) == sent  # every answer is selected again
    # Shown once: a later visit starts clean.
    assert (
        checked_tokens(client.get("/courses/mini/modules/basics").get_data(as_text=True)) == set()
    )


def test_without_a_referrer_an_assessment_comes_back_to_its_own_page(app, client, learner):
    for key in ("basics", "voice"):  # the assessment opens once the modules are done
        from tests.courses.test_learner_path import pass_module

        pass_module(app, client, learner, key)
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    start = client.post("/courses/mini/assessment", data={"csrf_token": csrf_from(page)})
    attempt_url = start.headers["Location"]
    html = client.get(attempt_url).get_data(as_text=True)
    attempt_id, questions = open_attempt(app, learner.id, "final")
    data = answers(questions, right=True, app=app, attempt_id=attempt_id)
    sign_out_elsewhere(app, client)
    refused = client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf_from(html), **data})
    assert refused.headers["Location"].endswith(f"/login?next=/attempts/{attempt_id}")
    signed_in = post_form(
        client, refused.headers["Location"], {"email": "lea@example.com", "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == f"/attempts/{attempt_id}"
    kept = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "your answers are kept" in kept
    sent = {v for value in data.values() for v in (value if isinstance(value, list) else [value])}
    assert checked_tokens(kept) == sent
    # Sending them now passes, as it would have before the sign-out.
    response = client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf_from(kept), **data})
    assert response.status_code == 302 and "/result" in response.headers["Location"]


def test_a_refused_post_never_keeps_more_than_answer_fields(app, client, learner):
    sign_out_elsewhere(app, client)
    client.post("/courses/mini/modules/basics/check/1", data={"note": "x" * 100})
    with client.session_transaction() as s:
        assert "lms_resume" not in s
    client.post("/courses/mini/modules/basics/check/1", data={"q-x": "y" * 5000})  # too big
    with client.session_transaction() as s:
        assert "lms_resume" not in s
