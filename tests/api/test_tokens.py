"""Bearer tokens: created and revoked by admins on the command line, stored hashed, shown once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import click
import pytest
from sqlalchemy import select

from lms.api.cli import create_token_cmd, list_tokens_cmd, register, revoke_token_cmd
from lms.api.models import ApiToken
from lms.audit.models import AuditEvent
from lms.db import session
from tests.api.conftest import ApiClient
from tests.conftest import login

TOKEN_RE = re.compile(r"^lms_[A-Za-z0-9_-]{43}$", re.M)


def test_register_adds_the_three_commands_to_a_group():
    group = click.Group("lms")
    register(group)
    assert set(group.commands) == {"create-token", "revoke-token", "list-tokens"}


def test_token_lifecycle_through_the_cli(app, runner, client, make_person, today):
    admin = make_person("ada@example.com", role="admin")
    result = runner.invoke(create_token_cmd, ["Payroll sync", "--by", "ada@example.com"])
    assert result.exit_code == 0, result.output
    tokens = TOKEN_RE.findall(result.stdout)
    assert len(tokens) == 1  # printed exactly once
    plaintext = tokens[0]
    assert "will not be shown again" in result.stderr

    with app.app_context():
        row = session.scalar(select(ApiToken))
        assert row.name == "Payroll sync" and row.created_by_id == admin.id
        assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
        assert row.prefix == plaintext[:8]
        token_id = row.id
        # the plaintext is stored nowhere
        assert plaintext not in repr([row.name, row.token_hash, row.prefix])
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "create_token")
        ).all()
        assert [(e.actor_id, e.target_id) for e in events] == [(admin.id, token_id)]

    api = ApiClient(client, plaintext)
    assert api.get("/courses").status_code == 200

    listing = runner.invoke(list_tokens_cmd, [])
    assert listing.exit_code == 0
    assert "Payroll sync" in listing.output and plaintext[:8] in listing.output
    assert plaintext not in listing.output
    line = next(line for line in listing.output.splitlines() if "Payroll sync" in line)
    assert line.rstrip().endswith("no")  # not revoked

    result = runner.invoke(revoke_token_cmd, [str(token_id)])
    assert result.exit_code == 0, result.output
    assert "Revoked" in result.output

    response = api.get("/courses")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["error"]["code"] == 401

    listing = runner.invoke(list_tokens_cmd, [])
    line = next(line for line in listing.output.splitlines() if "Payroll sync" in line)
    assert not line.rstrip().endswith("no")
    with app.app_context():
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "revoke_token"))


def test_revoking_twice_records_once_and_unknown_ids_fail(app, runner, token):
    with app.app_context():
        token_id = session.scalar(select(ApiToken.id))
    assert runner.invoke(revoke_token_cmd, [str(token_id)]).exit_code == 0
    assert runner.invoke(revoke_token_cmd, [str(token_id)]).exit_code == 0
    with app.app_context():
        assert (
            len(
                session.scalars(select(AuditEvent).where(AuditEvent.action == "revoke_token")).all()
            )
            == 1
        )
    result = runner.invoke(revoke_token_cmd, ["999"])
    assert result.exit_code != 0 and "no API token" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["Name", "--by", "nobody@example.com"], "no person"),
        (["Name", "--by", "emp@example.com"], "not an admin"),
        (["   "], "needs a name"),
    ],
)
def test_create_token_refuses_bad_input(runner, make_person, args, message):
    make_person("emp@example.com")
    result = runner.invoke(create_token_cmd, args)
    assert result.exit_code != 0 and message in result.output


def test_commands_are_under_flask_lms_once_registered(app, runner):
    from lms.cli import lms_cli

    if "create-token" not in lms_cli.commands:
        pytest.skip("lms/cli.py does not call lms.api.cli.register(lms_cli) yet")
    result = runner.invoke(args=["lms", "create-token", "Through the group"])
    assert result.exit_code == 0 and TOKEN_RE.search(result.stdout)
    assert "Through the group" in runner.invoke(args=["lms", "list-tokens"]).output


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer lms_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Token abc",
        "Bearer " + "x" * 5000,
    ],
)
def test_missing_or_invalid_token_is_a_json_401(client, token, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/people", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.is_json
    body = response.get_json()["error"]
    assert body["code"] == 401 and body["message"]


def test_scheme_is_case_insensitive(client, token):
    assert (
        client.get("/api/v1/courses", headers={"Authorization": f"bearer {token}"}).status_code
        == 200
    )


def test_token_in_query_string_or_cookie_is_ignored(client, token):
    assert client.get(f"/api/v1/courses?access_token={token}").status_code == 401
    client.set_cookie("Authorization", f"Bearer {token}")
    assert client.get("/api/v1/courses").status_code == 401


def test_a_signed_in_browser_session_is_not_enough(client, make_person):
    make_person("ada@example.com", role="admin")
    assert login(client, "ada@example.com").status_code == 302
    assert client.get("/", follow_redirects=True).status_code == 200  # signed in to the LMS pages
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    response = client.post("/api/v1/people", json={"email": "x@example.com", "name": "X"})
    assert response.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(app, client, token):
    api = ApiClient(client, token)

    def last_used():
        with app.app_context():
            return session.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    assert api.get("/courses").status_code == 200
    first = last_used()
    assert first is not None
    assert api.get("/courses").status_code == 200
    assert last_used() == first  # not rewritten within the minute
    with app.app_context():
        row = session.scalar(select(ApiToken))
        row.last_used_at = first - timedelta(minutes=2)
        session.commit()
    assert api.get("/courses").status_code == 200
    assert last_used() > first - timedelta(minutes=2)


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"] == "3.1.0"
