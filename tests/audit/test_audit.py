"""The audit trail: admins only, newest first, filters, pagination in SQL, a streamed
CSV export with the same filters, and no way to change the log through the web."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest

from lms.accounts.models import Person
from lms.audit import services
from lms.audit.models import AuditEvent
from lms.db import session
from tests.conftest import login
from tests.helpers import count_queries

T0 = datetime(2027, 3, 1, 9, 30, 0)


@pytest.fixture
def admin(make_person):
    return make_person("admin@example.com", "admin")


def add_events(app, *events):
    """(at, action, actor_email, details) tuples, written as one commit."""
    with app.app_context():
        for at, action, actor_email, details in events:
            actor = (
                session.query(Person).filter_by(email=actor_email).one() if actor_email else None
            )
            event = services.record(
                action,
                actor=actor,
                target_type="person",
                target_id=actor.id if actor else None,
                **details,
            )
            event.at = at
        session.commit()


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return body.split("<tr>")[1:]


def test_admin_sees_events_newest_first(app, client, admin, make_person):
    make_person("boss@example.com", "manager")
    add_events(
        app,
        (T0, "assign", "admin@example.com", {"course_id": 1}),
        (T0 + timedelta(days=2), "invite_candidate", "boss@example.com", {"course_ids": [1]}),
        (T0 + timedelta(days=1), "create_token", "admin@example.com", {"name": "HR sync"}),
    )
    login(client, admin.email)
    response = client.get("/admin/audit")
    assert response.status_code == 200
    rows = rows_of(response.get_data(as_text=True))
    assert [r.split('<code class="meta">')[1].split("</code>")[0] for r in rows] == [
        "invite_candidate",
        "create_token",
        "assign",
    ]
    assert "2027-03-03T09:30:00Z" in rows[0] and "Boss &lt;boss@example.com&gt;" in rows[0]
    assert "Invited a candidate" in rows[0] and ">Boss</td>" in rows[0]  # words and names, not ids
    assert "<dt>Name</dt>" in rows[1] and "<dd>HR sync</dd>" in rows[1]  # details as a list


def test_filters_by_action_actor_and_dates(app, client, admin, make_person):
    make_person("boss@example.com", "manager")
    add_events(
        app,
        (T0, "assign", "admin@example.com", {}),
        (T0 + timedelta(days=1), "assign", "boss@example.com", {}),
        (T0 + timedelta(days=2), "hire_candidate", "boss@example.com", {}),
        (T0 + timedelta(days=2, hours=14), "erase_person", "admin@example.com", {}),
    )
    login(client, admin.email)

    def actions(query: str) -> list[str]:
        html = client.get(f"/admin/audit?{query}").get_data(as_text=True)
        return [r.split('<code class="meta">')[1].split("</code>")[0] for r in rows_of(html)]

    assert actions("action=assign") == ["assign", "assign"]
    assert actions("actor=BOSS@") == ["hire_candidate", "assign"]
    assert actions("actor=%25") == []  # LIKE wildcards are matched literally
    # Both days included: 2027-03-03T23:30 is still "to 2027-03-03".
    assert actions("since=2027-03-02&until=2027-03-03") == [
        "erase_person",
        "hire_candidate",
        "assign",
    ]
    assert actions("until=2027-03-02") == ["assign", "assign"]
    assert actions("since=2027-03-04") == []
    # A bad value is reported next to its field and ignored.
    html = client.get("/admin/audit?since=yesterday&action=nope").get_data(as_text=True)
    assert "Not a valid date. Write it as YYYY-MM-DD" in html and len(rows_of(html)) == 4
    assert 'aria-describedby="since-format since-error"' in html
    assert 'id="until-format">Format: YYYY-MM-DD (year, month, day).</p>' in html
    # The ends of the calendar are dates like any other (nothing overflows).
    assert actions("since=0001-01-01&until=9999-12-31") == actions("")
    assert actions("until=9999-12-30") == actions("")
    # Dates the wrong way round: said next to "To", and the "From" date alone applies.
    html = client.get("/admin/audit?since=2027-03-03&until=2027-03-02").get_data(as_text=True)
    assert "The end date is before the start date." in html
    assert [r.split('<code class="meta">')[1].split("</code>")[0] for r in rows_of(html)] == [
        "erase_person",
        "hire_candidate",
    ]


def test_pagination_is_done_in_sql(app, client, admin):
    add_events(
        app,
        *[(T0 + timedelta(minutes=i), "assign", "admin@example.com", {"n": i}) for i in range(120)],
    )
    login(client, admin.email)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "<dd>119</dd>" in first
    assert "Page 1 of 3" in first and "page=2" in first
    last = client.get("/admin/audit?page=3&action=assign").get_data(as_text=True)
    assert len(rows_of(last)) == 20 and "<dd>0</dd>" in last
    assert "page=2&amp;action=assign" in last or "action=assign&amp;page=2" in last  # filters kept
    assert len(rows_of(client.get("/admin/audit?page=99").get_data(as_text=True))) == 20  # clamped
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with count_queries(engine) as statements:
            page = services.events_page(services.AuditFilter(), 2)
        assert len(page.events) == 50 and page.total == 120
        assert any("LIMIT" in s.upper() for s in statements)
        assert len(statements) == 2  # one COUNT, one page


def test_csv_export_is_streamed_filtered_and_safe(app, client, admin, make_person):
    make_person("evil@example.com", "admin", name='=HYPERLINK("http://x")')
    add_events(
        app,
        (T0, "assign", "admin@example.com", {"course_id": 1}),
        (T0 + timedelta(days=1), "create_token", "evil@example.com", {"name": "@SUM(A1)"}),
        (T0 + timedelta(days=2), "revoke_token", None, {}),
    )
    login(client, admin.email)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    lines = text.split("\r\n")
    assert lines[0] == "at,actor,action,target_type,target_id,details"
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [r[2] for r in rows] == ["revoke_token", "create_token", "assign"]  # newest first
    assert rows[0][:2] == ["2027-03-03T09:30:00Z", "system"]
    evil = rows[1]
    assert evil[1].startswith("'=HYPERLINK")  # formula defused
    assert json.loads(evil[5]) == {"name": "@SUM(A1)"}  # JSON starts with "{": harmless
    assert rows[2][3:] == ["person", str(admin.id), '{"course_id": 1}']

    filtered = client.get("/admin/audit.csv?action=assign").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(filtered)))) == 2


def test_the_log_cannot_be_changed_through_the_web(app, client, admin):
    add_events(app, (T0, "assign", "admin@example.com", {}))
    login(client, admin.email)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/admin/audit").status_code == 405
        assert getattr(client, method)("/admin/audit.csv").status_code == 405
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.endpoint]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    with app.app_context():
        assert session.query(AuditEvent).count() == 1


def test_record_refuses_unknown_actions(app_ctx):
    with pytest.raises(ValueError):
        services.record("delete_everything", actor=None)


def test_long_lists_are_collapsed_and_ids_become_names(app, client, admin, make_person):
    people = [make_person(f"p{i}@example.com", name=f"Person {i}") for i in range(8)]
    add_events(
        app,
        (T0, "assign", "admin@example.com", {"person_ids": [p.id for p in people], "people": 8}),
    )
    login(client, admin.email)
    (row,) = rows_of(client.get("/admin/audit").get_data(as_text=True))
    assert "<details><summary>8 items</summary>" in row and "Person 0, Person 1" in row
    assert f"#{people[0].id}" not in row


def test_an_import_from_the_command_line_is_in_the_log(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,role,manager_email,department\nann@example.com,Ann,employee,,Sales\n"
    )
    assert runner.invoke(args=["lms", "import-people", str(path)]).exit_code == 0
    with app.app_context():
        from lms.audit.models import AuditEvent

        (event,) = session.query(AuditEvent).filter_by(action="import_people").all()
        assert event.actor_label == "system" and event.details["created"] == 1
