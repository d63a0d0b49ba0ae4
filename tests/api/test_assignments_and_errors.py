"""Assignments, and the error contract: JSON bodies, 400/404/405/415/422, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certification.models import Assignment
from lms.db import session


def test_assign_by_email_and_id(app, api, org):
    response = api.post("/assignments", json={
        "course": "mini", "people": ["MIA@example.com", org.leo.id, "mia@example.com"],
        "reason": "annual", "due_on": "2027-09-15"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"count": 2, "course": "mini", "person_ids": [org.mia.id, org.leo.id],
                                   "reason": "annual", "due_on": "2027-09-15"}
    with app.app_context():
        rows = session.scalars(select(Assignment).where(Assignment.person_id.in_([org.mia.id, org.leo.id]))).all()
        assert {(a.reason, a.due_on.isoformat()) for a in rows} == {("annual", "2027-09-15")}
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assign")
                                .order_by(AuditEvent.id)).all()[-1]
        assert event.details["person_ids"] == [org.mia.id, org.leo.id] and event.details["via"] == "api"
        assert event.actor_label.startswith("API token HR system")
    # the new assignments show in the completions at once: due yesterday -> overdue
    overdue = api.get("/completions?status=overdue").get_json()["data"]
    assert {r["email"] for r in overdue} == {"mia@example.com", "leo@example.com", "sam@example.com"}


def test_assign_defaults(api, org):
    response = api.post("/assignments", json={"course": "mini", "people": [org.tia.id]})
    assert response.status_code == 201
    assert response.get_json()["reason"] == "manual" and response.get_json()["due_on"] is None


@pytest.mark.parametrize("body, field", [
    ({"people": [1]}, "course"),
    ({"course": "nope", "people": ["sam@example.com"]}, "course"),
    ({"course": "mini"}, "people"),
    ({"course": "mini", "people": []}, "people"),
    ({"course": "mini", "people": "sam@example.com"}, "people"),
    ({"course": "mini", "people": ["ghost@example.com"]}, "people"),
    ({"course": "mini", "people": [999999]}, "people"),
    ({"course": "mini", "people": [True]}, "people"),
    ({"course": "mini", "people": [2**31]}, "people"),
    ({"course": "mini", "people": [{"id": 1}]}, "people"),
    ({"course": "mini", "people": ["sam@example.com"], "reason": "because"}, "reason"),
    ({"course": "mini", "people": ["sam@example.com"], "due_on": "next week"}, "due_on"),
    ({"course": "mini", "people": ["sam@example.com"], "due": "2027-01-01"}, "due"),
])
def test_assign_validation_errors_are_422(app, api, org, body, field):
    def assignments():
        with app.app_context():
            return len(session.scalars(select(Assignment.id)).all())

    before = assignments()
    response = api.post("/assignments", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert assignments() == before


@pytest.mark.parametrize("path", ["/people", "/assignments"])
def test_bodies_must_be_json(api, org, path):
    response = api.post(path, data="email=x@example.com", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.get_json()["error"]["code"] == 415
    response = api.post(path, data='{"email": ', content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == 400
    response = api.post(path, data=b"\xff\xfe", content_type="application/json")
    assert response.status_code == 400
    for body in ("null", "[]", '"text"', "42"):
        response = api.post(path, data=body, content_type="application/json")
        assert response.status_code == 422, body
    assert api.post(path).status_code == 415  # no body at all


def test_patch_body_must_be_json(api, org):
    assert api.patch(f"/people/{org.sam.id}", data="name=x").status_code == 415
    assert api.patch(f"/people/{org.sam.id}", data="{", content_type="application/json").status_code == 400


def test_unknown_paths_and_methods_answer_json(api, client, token):
    response = api.get("/nothing-here")
    assert response.status_code == 404 and response.is_json
    response = api.open("DELETE", "/people")
    assert response.status_code == 405 and response.is_json
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    response = api.open("PUT", "/people/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PATCH", "HEAD", "OPTIONS"}
    response = api.open("GET", "/assignments")
    assert response.status_code == 405 and response.headers["Allow"] == "POST, OPTIONS"
    response = client.options("/api/v1/people")
    assert response.status_code == 204
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_routes_table_matches_the_url_map(app):
    from lms.api.views import ROUTES

    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("lms.api.") and "method_not_allowed" not in rule.endpoint \
                and rule.endpoint != "lms.api.not_found":
            served.setdefault(rule.rule.removeprefix("/api/v1"), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert served == {path: set(methods) for path, methods in ROUTES.items()}


def test_responses_are_not_cached(api, org):
    response = api.get("/people")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Authorization" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
