"""Courses, completions (the reports' status table and filters) and certification periods."""

from __future__ import annotations

import pytest

from lms.reports.queries import Filters, Scope, export_rows
from tests.api.conftest import TODAY, add_period


def test_courses(api, org):
    body = api.get("/courses").get_json()
    assert body == {
        "data": [
            {
                "id": body["data"][0]["id"],
                "slug": "mini",
                "title": "Mini policy course",
                "version": 1,
            }
        ],
        "page": 1,
        "per_page": 50,
        "total": 1,
    }


def rows(api, query=""):
    response = api.get(f"/completions?{query}")
    assert response.status_code == 200, response.get_json()
    return {(r["email"], r["course"]): r["status"] for r in response.get_json()["data"]}


def test_completions_one_row_per_person_and_course(api, org):
    body = api.get("/completions").get_json()
    assert body["total"] == 6
    sam = next(r for r in body["data"] if r["email"] == "sam@example.com")
    assert sam == {
        "person_id": org.sam.id,
        "email": "sam@example.com",
        "name": "Sam",
        "department": "Support",
        "manager_email": "leo@example.com",
        "course": "mini",
        "status": "overdue",
        "due_on": "2027-09-01",
        "certified_on": None,
        "valid_until": None,
        "policy_acknowledged_at": None,
    }
    tia = next(r for r in body["data"] if r["email"] == "tia@example.com")
    assert (tia["status"], tia["certified_on"], tia["valid_until"]) == (
        "certified",
        "2026-12-15",
        "2027-12-15",
    )
    assert rows(api) == {
        ("mia@example.com", "mini"): "not_assigned",
        ("leo@example.com", "mini"): "not_assigned",
        ("sam@example.com", "mini"): "overdue",
        ("tia@example.com", "mini"): "certified",
        ("fin@example.com", "mini"): "assigned",
        ("old@example.com", "mini"): "expired",
    }


@pytest.mark.parametrize(
    "query, emails",
    [
        ("status=overdue", {"sam"}),
        ("status=expired", {"old"}),
        ("status=certified", {"tia"}),
        ("status=not_assigned", {"mia", "leo"}),
        ("status=revoked", set()),
        ("course=mini&status=assigned", {"fin"}),
        ("department=Finance", {"fin", "old"}),
        ("within_days=30", {"fin"}),  # due 2027-10-20
        ("within_days=90", {"fin", "tia"}),  # tia's certificate ends 2027-12-15
        ("manager_email=mia@example.com", {"leo", "sam", "tia"}),  # the whole tree, not mia
        ("manager_email=MIA@example.com&direct_only=true", {"leo", "tia"}),
        ("manager_email=leo@example.com", {"sam"}),
        ("manager_email=mia@example.com&status=overdue", {"sam"}),
        ("search=ti", {"tia"}),
    ],
)
def test_completion_filters_match_the_reports(app, api, org, query, emails):
    got = {email.split("@")[0] for email, _ in rows(api, query)}
    assert got == emails
    # and exactly what the report export gives for the same scope and filters
    params = dict(p.split("=") for p in query.split("&"))
    scope = Scope()
    with app.app_context():
        if "manager_email" in params:
            from lms.accounts.services import find_by_email

            scope = Scope(manager_id=find_by_email(params.pop("manager_email")).id)
        filters = Filters(
            status=params.get("status"),
            course=params.get("course"),
            department=params.get("department"),
            search=params.get("search"),
            within_days=int(params["within_days"]) if "within_days" in params else None,
            direct_only=params.get("direct_only") == "true",
        )
        report = {(r[0], r[4]): r[5] for r in export_rows(scope, TODAY, filters)}
    assert rows(api, query) == report


def test_overdue_follows_today(app, api, org):
    app.config["LMS_TODAY"] = "2027-08-31"  # the day before sam's due date
    assert rows(api, "status=overdue") == {}
    assert rows(api, "status=assigned").keys() == {
        ("sam@example.com", "mini"),
        ("fin@example.com", "mini"),
    }


def test_inactive_people_leave_the_completions(api, org):
    assert api.patch(f"/people/{org.sam.id}", json={"status": "inactive"}).status_code == 200
    assert ("sam@example.com", "mini") not in rows(api)


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=bogus", "status"),
        ("within_days=7", "within_days"),
        ("within_days=thirty", "within_days"),
        ("course=nope", "course"),
        ("manager_email=ghost@example.com", "manager_email"),
        ("direct_only=true", "direct_only"),
        ("manager_email=mia@example.com&direct_only=yes", "direct_only"),
        ("department=", "department"),
        ("page=0", "page"),
        ("per_page=201", "per_page"),
        ("per_page=-1", "per_page"),
        ("page=1.5", "page"),
        ("page=99999999999999999999999", "page"),
        ("search=%00", "search"),
    ],
)
def test_completion_query_errors_are_422(api, org, query, field):
    response = api.get(f"/completions?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_pagination(api, org):
    first = api.get("/completions?per_page=4").get_json()
    second = api.get("/completions?per_page=4&page=2").get_json()
    assert (first["total"], first["page"], first["per_page"], len(first["data"])) == (6, 1, 4, 4)
    assert (second["total"], second["page"], len(second["data"])) == (6, 2, 2)
    everyone = [r["person_id"] for r in first["data"] + second["data"]]
    assert everyone == sorted(everyone) and len(set(everyone)) == 6
    beyond = api.get("/completions?per_page=4&page=3").get_json()
    assert beyond["data"] == [] and beyond["total"] == 6
    people = api.get("/people?per_page=2&page=3").get_json()
    assert [p["email"] for p in people["data"]] == ["fin@example.com", "old@example.com"]
    assert api.get("/people?per_page=200").status_code == 200


def test_certifications(api, org):
    body = api.get("/certifications").get_json()
    assert body["total"] == 2
    tia = body["data"][0]
    assert tia["id"] == org.tia_period
    assert {
        k: tia[k]
        for k in (
            "person_id",
            "email",
            "course",
            "version",
            "certified_on",
            "valid_until",
            "revoked_on",
            "status",
        )
    } == {
        "person_id": org.tia.id,
        "email": "tia@example.com",
        "course": "mini",
        "version": 1,
        "certified_on": "2026-12-15",
        "valid_until": "2027-12-15",
        "revoked_on": None,
        "status": "certified",
    }
    assert tia["code"]
    assert body["data"][1]["status"] == "expired"


@pytest.mark.parametrize(
    "query, emails",
    [
        ("course=mini", ["tia", "old"]),
        ("email=OLD@example.com", ["old"]),
        ("valid_on=2027-10-01", ["tia"]),
        ("valid_on=2027-09-01", ["tia", "old"]),  # valid through valid_until inclusive
        ("valid_on=2026-12-14", ["old"]),
        ("valid_on=2030-01-01", []),
    ],
)
def test_certification_filters(api, org, query, emails):
    response = api.get(f"/certifications?{query}")
    assert response.status_code == 200
    assert [r["email"].split("@")[0] for r in response.get_json()["data"]] == emails


def test_revoked_periods(app, api, org):
    add_period(
        app,
        org.fin.id,
        TODAY.replace(month=1),
        TODAY.replace(year=2028),
        TODAY.replace(month=11),
        revoked_on=TODAY.replace(month=6),
    )
    fin = api.get("/certifications?email=fin@example.com").get_json()["data"]
    assert fin[0]["status"] == "revoked" and fin[0]["revoked_on"] == "2027-06-01"
    assert (
        api.get("/certifications?email=fin@example.com&valid_on=2027-05-31").get_json()["total"]
        == 1
    )
    assert (
        api.get("/certifications?email=fin@example.com&valid_on=2027-06-01").get_json()["total"]
        == 0
    )
    assert rows(api, "status=revoked") == {("fin@example.com", "mini"): "revoked"}


@pytest.mark.parametrize(
    "query",
    [
        "valid_on=2027-02-30",
        "valid_on=20271001",
        "valid_on=tomorrow",
        "course=nope",
        "email=",
        "per_page=0",
    ],
)
def test_certification_query_errors(api, org, query):
    assert api.get(f"/certifications?{query}").status_code == 422


@pytest.mark.parametrize(
    "query, fields",
    [
        ("course=nope&page=0", {"course", "page"}),
        (
            "status=bogus&course=nope&manager_email=ghost@example.com",
            {"status", "course", "manager_email"},
        ),
        (
            "manager_email=ghost@example.com&direct_only=true",
            {"manager_email"},
        ),  # given, just unknown
    ],
)
def test_one_422_names_every_problem_unknown_records_included(api, org, query, fields):
    response = api.get(f"/completions?{query}")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("within_days=-3", "within_days", "must be one of: 30, 60, 90"),
        ("per_page=-1", "per_page", "must be between 1 and 200"),
        ("page=one", "page", "must be a whole number"),
    ],
)
def test_a_number_out_of_range_is_told_its_range(api, org, query, field, message):
    response = api.get(f"/completions?{query}")
    assert response.status_code == 422
    assert message in str(response.get_json()["error"]["fields"][field])
