"""People: list with filters, read one, create, update (with manager-loop checks), audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import signals
from lms.accounts.models import Person
from lms.audit.models import AuditEvent
from lms.db import session


def test_list_is_sorted_by_id_and_filterable(api, org):
    body = api.get("/people").get_json()
    assert body["total"] == 6 and body["page"] == 1 and body["per_page"] == 50
    ids = [p["id"] for p in body["data"]]
    assert ids == sorted(ids)
    sam = next(p for p in body["data"] if p["email"] == "sam@example.com")
    assert sam == {
        "id": org.sam.id,
        "email": "sam@example.com",
        "name": "Sam",
        "role": "employee",
        "status": "active",
        "department": "Support",
        "manager_id": org.leo.id,
        "manager_email": "leo@example.com",
    }

    def emails(query):
        response = api.get(f"/people?{query}")
        assert response.status_code == 200, response.get_json()
        return [p["email"] for p in response.get_json()["data"]]

    assert emails("department=Finance") == ["fin@example.com", "old@example.com"]
    assert emails("role=manager") == ["mia@example.com", "leo@example.com"]
    assert emails("email=SAM@Example.com") == ["sam@example.com"]
    assert emails("role=manager&department=Finance") == []
    assert emails("status=inactive") == []


def test_get_one_and_404(api, org):
    response = api.get(f"/people/{org.tia.id}")
    assert response.status_code == 200
    assert response.get_json()["manager_email"] == "mia@example.com"
    for missing in ("999999", "0", str(2**31), str(2**70)):
        response = api.get(f"/people/{missing}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == 404
    assert api.get("/people/abc").status_code == 404


def test_create_returns_201_with_location_and_audits(app, api, org):
    created = []

    def receiver(sender, person, **extra):
        created.append(person.email)

    with signals.person_created.connected_to(receiver):
        response = api.post(
            "/people",
            json={
                "email": " New.Hire@Example.com ",
                "name": " Nia New ",
                "role": "employee",
                "department": "Support",
                "manager_email": "MIA@example.com",
            },
        )
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person["email"] == "new.hire@example.com" and person["name"] == "Nia New"
    assert person["manager_id"] == org.mia.id and person["department"] == "Support"
    assert response.headers["Location"] == f"/api/v1/people/{person['id']}"
    assert api.get(response.headers["Location"].removeprefix("/api/v1")).get_json() == person
    assert "new.hire@example.com" in created
    with app.app_context():
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "create_person"))
        assert event.target_id == person["id"] and event.details["via"] == "api"
        assert event.actor_label.startswith("API token HR system")
        assert session.get(Person, person["id"]).password_hash is None


def test_create_defaults_to_employee(api, org):
    response = api.post("/people", json={"email": "min@example.com", "name": "Min"})
    assert response.status_code == 201
    assert (
        response.get_json()["role"] == "employee" and response.get_json()["manager_email"] is None
    )


def test_duplicate_email_is_409(api, org):
    response = api.post("/people", json={"email": "SAM@example.com", "name": "Sam again"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == 409 and "email" in error["fields"]


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"email", "name"}),
        ({"email": "not-an-email", "name": "X"}, {"email"}),
        ({"email": "x@example.com", "name": "   "}, {"name"}),
        ({"email": "x@example.com", "name": "X", "role": "boss"}, {"role"}),
        (
            {"email": "x@example.com", "name": "X", "manager_email": "ghost@example.com"},
            {"manager_email"},
        ),
        ({"email": "x@example.com", "name": "X", "department": "d" * 121}, {"department"}),
        ({"email": "x@example.com", "name": 42}, {"name"}),
        ({"email": "x@example.com", "name": "X", "password": "secret-secret"}, {"password"}),
        ({"email": "x@example.com", "name": "Nul\x00byte"}, {"name"}),
        ({"email": "x@example.com", "name": "\ud800"}, {"name"}),
    ],
)
def test_create_validation_errors_are_422_per_field(api, org, body, fields):
    response = api.post("/people", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == 422 and set(error["fields"]) == fields and error["message"]


def test_update_changes_fields_and_audits_the_difference(app, api, org):
    response = api.patch(
        f"/people/{org.sam.id}",
        json={
            "name": "Samuel",
            "role": "manager",
            "department": "Finance",
            "manager_email": "mia@example.com",
        },
    )
    assert response.status_code == 200, response.get_json()
    person = response.get_json()
    assert (person["name"], person["role"], person["department"], person["manager_email"]) == (
        "Samuel",
        "manager",
        "Finance",
        "mia@example.com",
    )
    with app.app_context():
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "update_person"))
        assert event.target_id == org.sam.id
        assert event.details["changes"]["name"] == ["Sam", "Samuel"]
        assert event.details["changes"]["manager_email"] == ["leo@example.com", "mia@example.com"]

    response = api.patch(
        f"/people/{org.sam.id}",
        json={"manager_email": None, "department": None, "status": "inactive"},
    )
    assert response.status_code == 200
    assert response.get_json()["manager_id"] is None and response.get_json()["status"] == "inactive"
    assert response.get_json()["department"] is None


def test_an_empty_update_changes_nothing(app, api, org):
    assert api.patch(f"/people/{org.sam.id}", json={}).status_code == 200
    with app.app_context():
        assert (
            session.scalar(select(AuditEvent).where(AuditEvent.action == "update_person")) is None
        )


@pytest.mark.parametrize(
    "who, manager",
    [
        ("mia", "mia@example.com"),  # their own manager
        ("mia", "leo@example.com"),  # a direct report
        ("mia", "sam@example.com"),  # a report's report
        ("leo", "sam@example.com"),
    ],
)
def test_update_refuses_manager_loops(app, api, org, who, manager):
    person = getattr(org, who)
    response = api.patch(f"/people/{person.id}", json={"manager_email": manager})
    assert response.status_code == 422
    assert "manager_email" in response.get_json()["error"]["fields"]
    with app.app_context():  # nothing changed
        assert session.get(Person, person.id).manager_id == (None if who == "mia" else org.mia.id)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "erased"}, "status"),
        ({"status": "invited"}, "status"),
        ({"role": ""}, "role"),
        ({"name": None}, "name"),
        ({"manager_email": "ghost@example.com"}, "manager_email"),
        ({"email": "new@example.com"}, "email"),
    ],
)
def test_update_validation_errors(api, org, body, field):
    response = api.patch(f"/people/{org.sam.id}", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_update_unknown_person_is_404(api, org):
    assert api.patch("/people/999999", json={"name": "X"}).status_code == 404
    # whatever the body: the missing record is the answer
    assert api.patch("/people/999999", json={"name": None}).status_code == 404
    assert api.patch("/people/999999", data="{", content_type="application/json").status_code == 404
    assert api.patch("/people/999999", data="name=X").status_code == 404


def test_erased_people_cannot_be_changed(app, api, org):
    with app.app_context():
        session.get(Person, org.old.id).status = "erased"
        session.commit()
    response = api.patch(f"/people/{org.old.id}", json={"name": "Back"})
    assert response.status_code == 409
