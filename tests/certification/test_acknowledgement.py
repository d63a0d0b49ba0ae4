"""The policy acknowledgement: a requirement, a signature, asked again when the policy changes."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.certification.models import CertificationPeriod, PolicyAcknowledgement, ReviewTask
from lms.courses.sync import sync_courses
from lms.db import session
from tests.certification.test_certification_flow import complete_course
from tests.conftest import csrf_from, login
from tests.helpers import edited_courses

ASK = ("review_due_days: 14", "review_due_days: 14\nacknowledge_policy: true")


@pytest.fixture
def asking(app, tmp_path):
    """The mini course, asking for the acknowledgement."""
    root = edited_courses(tmp_path / "v1", {"mini/course.yaml": [ASK]})
    with app.app_context():
        _, problems = sync_courses(root)
    assert not problems
    return root


@pytest.fixture
def learner(app, asking, make_person):
    return make_person("ack@example.com", name="Zoë Dąbrowska")


def sign(client, name="Zoë Dąbrowska", accept="y"):
    page = client.get("/courses/mini/policy").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "name": name}
    if accept:
        data["accept"] = accept
    return client.post("/courses/mini/policy/acknowledge", data=data)


def count(app, model):
    with app.app_context():
        return session.scalar(select(func.count()).select_from(model))


def test_the_acknowledgement_is_a_step_and_certification_waits_for_it(app, client, learner):
    complete_course(app, learner.id, date(2026, 5, 4))  # modules, assessment, scenario
    assert count(app, CertificationPeriod) == 0
    app.config["LMS_TODAY"] = "2026-05-04"
    login(client, "ack@example.com")
    course = client.get("/courses/mini/").get_data(as_text=True)
    assert "Continue: acknowledge the policy" in course and "4 of 5 done" in course
    response = sign(client, name="zoe  dabrowska")  # case, accents and spaces do not matter
    assert response.status_code == 302
    assert count(app, CertificationPeriod) == 1  # the last requirement: certified with it
    with app.app_context():
        ack = session.scalar(select(PolicyAcknowledgement))
        assert ack.typed_name == "zoe  dabrowska" and len(ack.policy_hash) == 64
    page = client.get("/courses/mini/policy").get_data(as_text=True)
    assert "You acknowledged this version of the policy" in page and 'name="accept"' not in page


@pytest.mark.parametrize(
    "name,accept,error",
    [
        ("Zoë Dąbrowska", None, "Tick the statement"),
        ("", "y", "Type your full name to sign."),
        ("Someone Else", "y", "Type your name as it appears on your account: Zoë Dąbrowska."),
    ],
)
def test_an_incomplete_signature_is_refused_with_field_errors(
    app, client, learner, name, accept, error
):
    login(client, "ack@example.com")
    response = sign(client, name=name, accept=accept)
    assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert count(app, PolicyAcknowledgement) == 0


def test_a_double_submit_stores_one_acknowledgement(app, client, learner):
    login(client, "ack@example.com")
    page = client.get("/courses/mini/policy").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "name": "Zoë Dąbrowska", "accept": "y"}
    for _ in range(3):
        assert client.post("/courses/mini/policy/acknowledge", data=data).status_code == 302
    assert count(app, PolicyAcknowledgement) == 1


def test_a_changed_policy_asks_certified_people_again_in_their_review(
    app, client, learner, runner, tmp_path
):
    app.config["LMS_TODAY"] = "2026-03-01"
    login(client, "ack@example.com")
    assert sign(client).status_code == 302
    complete_course(app, learner.id, date(2026, 3, 1))
    assert count(app, CertificationPeriod) == 1
    with app.app_context():
        before = session.scalar(select(PolicyAcknowledgement.policy_hash))
    root = edited_courses(
        tmp_path / "v2",
        {
            "mini/course.yaml": [ASK],
            "mini/policy.md": [("Do not argue in public", "Never argue in public")],
        },
    )
    runner.invoke(args=["lms", "sync-courses", str(root)])
    with app.app_context():
        task = session.scalar(select(ReviewTask))
    app.config["LMS_TODAY"] = "2026-03-02"
    login(client, "ack@example.com")
    course = client.get("/courses/mini/").get_data(as_text=True)
    assert "Certified" in course
    review = client.get(f"/reviews/{task.id}").get_data(as_text=True)
    assert 'name="accept"' in review  # a changed text asks again, in the review
    refused = client.post(f"/reviews/{task.id}", data={"csrf_token": csrf_from(review)})
    assert refused.status_code == 422
    with app.app_context():
        assert session.get(ReviewTask, task.id).acknowledged_at is None
    done = client.post(
        f"/reviews/{task.id}",
        data={"csrf_token": csrf_from(review), "accept": "y", "name": "Zoë Dąbrowska"},
    )
    assert done.status_code == 302
    with app.app_context():
        assert session.get(ReviewTask, task.id).acknowledged_at is not None
        hashes = set(session.scalars(select(PolicyAcknowledgement.policy_hash)))
    assert len(hashes) == 2 and before in hashes


def test_a_course_that_does_not_ask_has_no_form_and_refuses_the_post(
    app, client, synced, make_person
):
    make_person("plain@example.com")
    login(client, "plain@example.com")
    page = client.get("/courses/mini/policy").get_data(as_text=True)
    assert 'name="accept"' not in page
    response = client.post(
        "/courses/mini/policy/acknowledge",
        data={"csrf_token": csrf_from(page), "accept": "y", "name": "x"},
    )
    assert response.status_code == 404


def test_the_policy_pdf_prints_the_version_and_its_text(app, client, learner):
    login(client, "ack@example.com")
    response = client.get("/courses/mini/versions/1/policy.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Version 1" in text and "Do not argue in public" in text
    assert client.get("/courses/mini/versions/9/policy.pdf").status_code == 404


def test_a_new_version_with_the_same_policy_text_keeps_the_acknowledgement(
    app, client, learner, runner, tmp_path
):
    login(client, "ack@example.com")
    assert sign(client).status_code == 302
    root = edited_courses(
        tmp_path / "v2",
        {
            "mini/course.yaml": [ASK],
            "mini/questions/basics.yaml": [
                ("What does the policy cover?", "What does this policy cover?")
            ],
        },
    )
    result = runner.invoke(args=["lms", "sync-courses", str(root)])
    assert "version 2" in result.output.lower() or "v2" in result.output, result.output
    page = client.get("/courses/mini/policy").get_data(as_text=True)
    assert "Version 2" in page and "You acknowledged this version of the policy" in page


def test_the_api_and_the_csv_export_say_when_the_current_text_was_signed(
    app, client, learner, make_person, tmp_path, runner
):
    from lms.api.auth import create_token

    with app.app_context():
        _, token = create_token("HR system")
    headers = {"Authorization": f"Bearer {token}"}
    login(client, "ack@example.com")
    assert sign(client).status_code == 302

    def row():
        body = app.test_client().get("/api/v1/completions?course=mini", headers=headers).get_json()
        return next(r for r in body["data"] if r["email"] == "ack@example.com")

    signed = row()["policy_acknowledged_at"]
    assert signed and signed.startswith(str(date.today().year)[:2])
    make_person("boss@example.com", role="admin")
    admin = app.test_client()
    login(admin, "boss@example.com")
    csv_text = admin.get("/reports/org.csv").get_data(as_text=True)
    header, *lines = csv_text.splitlines()
    assert "policy_acknowledged_at" in header.split(",")
    mine = next(line for line in lines if line.startswith("ack@example.com"))
    assert signed[:10] in mine
    # A changed policy text: the old signature is no longer of the current text.
    root = edited_courses(
        tmp_path / "v2",
        {
            "mini/course.yaml": [ASK],
            "mini/policy.md": [("Do not argue in public", "Never argue in public")],
        },
    )
    runner.invoke(args=["lms", "sync-courses", str(root)])
    assert row()["policy_acknowledged_at"] is None
    csv_after = admin.get("/reports/org.csv").get_data(as_text=True)
    mine_after = [
        r for r in csv.DictReader(io.StringIO(csv_after)) if r["person_email"] == "ack@example.com"
    ]
    assert mine_after and all(r["policy_acknowledged_at"] == "" for r in mine_after)
