"""Assignments, and the error contract: JSON bodies, 400/404/405/415/422, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certification.models import Assignment
from lms.db import session


def test_assign_by_email_and_id(app, api, org):
    response = api.post(
        "/assignments",
        json={
            "course": "mini",
            "people": ["MIA@example.com", org.leo.id, "mia@example.com"],
            "reason": "annual",
            "due_on": "2027-11-15",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "count": 2,
        "course": "mini",
        "person_ids": [org.mia.id, org.leo.id],
        "reason": "annual",
        "due_on": "2027-11-15",
        "reassign": False,
        "summary": {
            "assigned": 2,
            "reassigned": 0,
            "already_assigned": 0,
            "overdue_kept": 0,
            "already_certified": 0,
        },
        "results": [
            {"person_id": org.mia.id, "outcome": "assigned", "due_on": "2027-11-15"},
            {"person_id": org.leo.id, "outcome": "assigned", "due_on": "2027-11-15"},
        ],
    }
    with app.app_context():
        rows = session.scalars(
            select(Assignment).where(Assignment.person_id.in_([org.mia.id, org.leo.id]))
        ).all()
        assert {(a.reason, a.due_on.isoformat()) for a in rows} == {("annual", "2027-11-15")}
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "assign").order_by(AuditEvent.id)
        ).all()[-1]
        assert (
            event.details["person_ids"] == [org.mia.id, org.leo.id]
            and event.details["via"] == "api"
        )
        assert event.actor_label.startswith("API token HR system")
    # the new assignments show in the completions at once
    assigned = api.get("/completions?status=assigned").get_json()["data"]
    assert {(r["email"], r["due_on"]) for r in assigned} >= {
        ("mia@example.com", "2027-11-15"),
        ("leo@example.com", "2027-11-15"),
    }


def test_assign_defaults(api, org):
    response = api.post("/assignments", json={"course": "mini", "people": [org.leo.id]})
    assert response.status_code == 201
    assert response.get_json()["reason"] == "manual" and response.get_json()["due_on"] is None


def test_assigning_keeps_history_and_says_what_happened_to_each_person(app, api, org):
    """The organisation: sam overdue (due 2027-09-01), fin assigned (due 2027-10-20),
    tia certified, old expired without an open assignment, mia never assigned."""
    people = [org.sam.id, org.fin.id, org.tia.id, org.old.id, org.mia.id]
    body = {"course": "mini", "people": people, "due_on": "2027-12-01"}
    first = api.post("/assignments", json=body)
    assert first.status_code == 201
    outcomes = {r["person_id"]: (r["outcome"], r["due_on"]) for r in first.get_json()["results"]}
    assert outcomes == {
        org.sam.id: ("overdue_kept", "2027-09-01"),
        org.fin.id: ("already_assigned", "2027-10-20"),
        org.tia.id: ("already_certified", None),
        org.old.id: ("assigned", "2027-12-01"),
        org.mia.id: ("assigned", "2027-12-01"),
    }
    assert first.get_json()["count"] == 2
    completions = {
        r["email"]: (r["status"], r["due_on"])
        for r in api.get("/completions?course=mini").get_json()["data"]
    }
    assert completions["sam@example.com"] == (
        "overdue",
        "2027-09-01",
    )  # still overdue, due date not moved
    assert completions["fin@example.com"] == ("assigned", "2027-10-20")
    assert completions["tia@example.com"][0] == "certified"
    assert completions["old@example.com"] == ("expired", "2027-12-01")

    again = api.post("/assignments", json=body)  # the same request again: nothing new
    assert again.status_code == 200 and again.get_json()["count"] == 0
    assert again.get_json()["summary"]["already_assigned"] == 3

    reassigned = api.post("/assignments", json={**body, "people": [org.tia.id], "reassign": True})
    assert reassigned.status_code == 201
    assert reassigned.get_json()["results"] == [
        {"person_id": org.tia.id, "outcome": "reassigned", "due_on": "2027-12-01"}
    ]
    with app.app_context():
        open_rows = session.scalars(
            select(Assignment.person_id).where(
                Assignment.closed_on.is_(None), Assignment.person_id.in_(people)
            )
        ).all()
        assert sorted(open_rows) == sorted(people)  # one open assignment each, never two


@pytest.mark.parametrize(
    "due_on, status", [("2027-09-30", 422), ("2020-01-01", 422), ("2027-10-01", 201)]
)
def test_a_due_date_in_the_past_is_refused(app, api, org, due_on, status):
    response = api.post(
        "/assignments", json={"course": "mini", "people": [org.mia.id], "due_on": due_on}
    )
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "in the past" in response.get_json()["error"]["fields"]["due_on"]


@pytest.mark.parametrize(
    "due_on, status",
    [("2029-10-01", 201), ("2029-10-02", 422), ("2062-10-01", 422), ("9999-12-31", 422)],
)
def test_a_due_date_more_than_two_years_ahead_is_refused(app, api, org, due_on, status):
    def assignments():
        with app.app_context():
            return len(session.scalars(select(Assignment.id)).all())

    before = assignments()
    response = api.post(
        "/assignments", json={"course": "mini", "people": [org.mia.id], "due_on": due_on}
    )
    assert response.status_code == status, response.get_json()
    assert response.is_json
    if status == 422:
        message = response.get_json()["error"]["fields"]["due_on"]
        assert "more than 2 years ahead" in message and "2029-10-01" in message
        assert assignments() == before
    else:
        assert response.get_json()["due_on"] == due_on


@pytest.mark.parametrize(
    "body, field",
    [
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
        ({"course": "mini", "people": ["sam@example.com"], "due_on": "01/10/2027"}, "due_on"),
        ({"course": "mini", "people": ["sam@example.com"], "due_on": "2027-02-30"}, "due_on"),
        ({"course": "mini", "people": ["sam@example.com"], "due_on": "+10000-01-01"}, "due_on"),
        ({"course": "mini", "people": ["sam@example.com"], "due": "2027-01-01"}, "due"),
        ({"course": "mini", "people": ["sam@example.com"], "reassign": "yes"}, "reassign"),
    ],
)
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
    response = api.post(
        path, data="email=x@example.com", content_type="application/x-www-form-urlencoded"
    )
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
    assert (
        api.patch(f"/people/{org.sam.id}", data="{", content_type="application/json").status_code
        == 400
    )


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


def test_every_api_rule_is_in_the_contract(app):
    """Every rule the API adds to the url_map is a contract entry (same path and method)
    or a routing fallback made from the contract; every entry is served."""
    from lms.api.views import api

    served: dict[tuple[str, str], str] = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("lms.api."):
            continue
        endpoint = rule.endpoint.removeprefix("lms.api.")
        operation = api.find(endpoint)
        if operation is None:
            assert endpoint in api.fallback_endpoints, rule
            continue
        path = rule.rule.removeprefix("/api/v1")
        assert path == operation.path and rule.methods - {"HEAD", "OPTIONS"} == {operation.method}
        served[(operation.method, path)] = endpoint
    assert set(served) == {(op.method, op.path) for op in api.operations}


def test_responses_are_not_cached(api, org):
    response = api.get("/people")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Authorization" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
