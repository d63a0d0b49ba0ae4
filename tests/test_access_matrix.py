"""Who may open what: every report, admin and API route x every role, in one table.

Also guesses another team's person id: it must look exactly like an id that does not
exist (404), never leak that the person is there.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import load_demo, login

ROLES = ("anonymous", "candidate", "employee", "sub_manager", "manager", "admin")
EMAIL = {
    "candidate": "candidate@example.com",
    "employee": "employee@example.com",
    "sub_manager": "lead@example.com",
    "manager": "manager@example.com",
    "admin": "admin@example.com",
}

# route -> the roles that may open it (everyone else: 403, or a redirect to sign in)
ROUTES = {
    "/reports/team": {"sub_manager", "manager", "admin"},
    "/reports/team.csv": {"sub_manager", "manager", "admin"},
    "/reports/org": {"admin"},
    "/reports/org.csv": {"admin"},
    "/reports/assign": {"sub_manager", "manager", "admin"},
    "/candidates/": {"sub_manager", "manager", "admin"},
    "/admin/audit": {"admin"},
    "/admin/audit.csv": {"admin"},
}


@pytest.fixture
def org(app, runner, synced):
    app.config["LMS_DEMO_COURSE"] = "mini"
    load_demo(app, runner)
    with app.app_context():
        return {p.email: p.id for p in session.scalars(select(Person))}


def client_as(app, role):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, EMAIL[role], "training-demo").status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)
def test_report_and_admin_routes_by_role(app, org, role):
    client = client_as(app, role)
    for route, allowed in ROUTES.items():
        status = client.get(route).status_code
        if role == "anonymous":
            assert status == 302, (route, status)
        elif role in allowed:
            assert status == 200, (route, role, status)
        else:
            assert status == 403, (route, role, status)


# person page: who may see whom (manager@ manages lead@, who manages sami@ and tara@)
PEOPLE_CASES = [
    ("manager", "sami@example.com", 200),  # in the tree, two levels down
    ("manager", "lead@example.com", 200),
    ("manager", "finance@example.com", 404),  # another department's person
    ("manager", "admin@example.com", 404),
    ("sub_manager", "sami@example.com", 200),
    ("sub_manager", "alice@example.com", 404),  # a peer's report: not theirs
    ("sub_manager", "manager@example.com", 404),  # their own manager
    ("admin", "finance@example.com", 200),
    ("employee", "alice@example.com", 403),
    ("candidate", "alice@example.com", 403),
]


@pytest.mark.parametrize(
    "role,target,expected", PEOPLE_CASES, ids=[f"{r}->{t}" for r, t, _ in PEOPLE_CASES]
)
def test_person_pages_by_role(app, org, role, target, expected):
    client = client_as(app, role)
    assert client.get(f"/reports/people/{org[target]}").status_code == expected


def test_guessing_an_id_looks_the_same_as_a_missing_one(app, org):
    client = client_as(app, "sub_manager")
    outside = client.get(f"/reports/people/{org['finance@example.com']}")
    missing = client.get("/reports/people/999999")
    assert outside.status_code == missing.status_code == 404
    # The only difference is the address itself (the language switcher returns to it).
    assert outside.get_data(as_text=True).replace(
        str(org["finance@example.com"]), "X"
    ) == missing.get_data(as_text=True).replace("999999", "X")


def test_csv_exports_never_include_people_outside_the_scope(app, org):
    text = client_as(app, "sub_manager").get("/reports/team.csv").get_data(as_text=True)
    assert "finance@example.com" not in text and "alice@example.com" not in text
    assert "sami@example.com" in text


API_ROUTES = ["/api/v1/courses", "/api/v1/people", "/api/v1/completions", "/api/v1/certifications"]


@pytest.mark.parametrize("role", ROLES)
def test_api_ignores_browser_sessions_whatever_the_role(app, org, role):
    """The API takes bearer tokens only: even an admin's signed-in session gets 401."""
    client = client_as(app, role)
    for route in API_ROUTES + [f"/api/v1/people/{org['finance@example.com']}"]:
        response = client.get(route)
        assert response.status_code == 401, (route, role)
        assert response.is_json and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/v1/assignments", json={}).status_code == 401


def test_api_with_a_token_reads_and_a_revoked_token_does_not(app, org):
    from lms.api.auth import create_token, revoke_token

    with app.app_context():
        token, plaintext = create_token("hr-system", by=None)
        token_id = token.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plaintext}"}
    for route in API_ROUTES:
        assert client.get(route, headers=headers).status_code == 200, route
    with app.app_context():
        revoke_token(token_id)
    assert client.get(API_ROUTES[0], headers=headers).status_code == 401
