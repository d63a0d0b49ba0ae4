"""The assign page: the breakdown of exactly what Confirm does, re-checked on Confirm;
history kept (open assignments, due dates, overdue); past due dates refused; and 20
concurrent identical assignments (form and API) leaving one row and one audit event.

The demo organisation on 2026-11-22 (Customer Service, the department assigned below):
bruno expired and manager@ never assigned -> new; employee, sami and the candidate have
open assignments; dana and tara are overdue; alice (renewal due), chidi and lead are
certified.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.certification.models import Assignment
from lms.db import session
from tests.conftest import csrf_from
from tests.reports.conftest import TODAY, client_for, csv_rows

DUE = "2027-02-28"
BREAKDOWN = re.compile(
    r'<tr data-outcome="([a-z_]+)"><th scope="row">[^<]*</th><td>(\d+)</td></tr>'
)
FINGERPRINT = re.compile(r'name="confirmed" type="hidden" value="([^"]*)"')


@pytest.fixture(autouse=True)
def no_demo_events(app, org):
    """Forget the demo's own assignment events, so each test sees only its own."""
    with app.app_context():
        session.execute(AuditEvent.__table__.delete())
        session.commit()


def breakdown(html: str) -> dict[str, int]:
    return {outcome: int(n) for outcome, n in BREAKDOWN.findall(html)}


def fingerprint(html: str) -> str:
    match = FINGERPRINT.search(html)
    assert match, "no confirmed field on the page"
    return match.group(1)


def department_form(client, **extra) -> dict:
    page = client.get("/reports/assign").get_data(as_text=True)
    return {
        "csrf_token": csrf_from(page),
        "course": "mini",
        "target": "department",
        "department": "Customer Service",
        "reason": "annual",
        "due_on": DUE,
        **extra,
    }


def open_assignments(app, org) -> dict[str, tuple[str, date | None]]:
    """email -> (reason, due date) of each open assignment."""
    emails = {v: k for k, v in org.items()}
    with app.app_context():
        return {
            emails[a.person_id]: (a.reason, a.due_on)
            for a in session.scalars(select(Assignment).where(Assignment.closed_on.is_(None)))
        }


def assign_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "assign")))


def test_the_breakdown_says_what_confirm_does_and_confirm_keeps_history(app, org):
    admin = client_for(app, "admin@example.com")
    before = open_assignments(app, org)
    form = department_form(admin)
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    assert breakdown(check) == {
        "assigned": 2,
        "already_assigned": 3,
        "overdue_kept": 2,
        "already_certified": 3,
    }
    assert (
        "This reaches 10 people" in check
        and "Confirm assigns the course to 2 people, due Feb 28, 2027" in check
    )
    assert "Bruno Barros" in check and "Dana Dąbrowska" in check
    # Chidi is certified, so skipped: no due date is shown beside his name.
    assert "Chidi Okafor &lt;chidi@example.com&gt;</li>" in check
    assert open_assignments(app, org) == before  # checking writes nothing

    assert (
        admin.post("/reports/assign", data={**form, "confirmed": fingerprint(check)}).status_code
        == 302
    )
    after = open_assignments(app, org)
    assert after["bruno@example.com"] == ("annual", date(2027, 2, 28))
    # The audit log says what was left alone in words, not outcome codes.
    log = admin.get("/admin/audit?action=assign").get_data(as_text=True)
    assert "Already certified (skipped): 3" in log and "already_certified" not in log
    assert after["manager@example.com"] == ("annual", date(2027, 2, 28))
    for email in (
        "dana@example.com",
        "tara@example.com",
        "employee@example.com",
        "sami@example.com",
        "candidate@example.com",
    ):
        assert after[email] == before[email], email  # due date and overdue status untouched
    for email in ("alice@example.com", "chidi@example.com", "lead@example.com"):
        assert email not in after  # certified: no duplicate assignment
    rows = {
        r["person_email"]: r["status"]
        for r in csv_rows(
            client_for(app, "manager@example.com").get("/reports/team.csv?course=mini")
        )
    }
    assert rows["dana@example.com"] == "overdue" and rows["bruno@example.com"] == "expired"
    [event] = assign_events(app)
    assert event.details["people"] == 2 and event.details["skipped"] == {
        "already_assigned": 3,
        "overdue_kept": 2,
        "already_certified": 3,
    }

    # A second Confirm of the same page (double click, back button) no longer matches a
    # fresh check (bruno and manager@ are assigned now): nothing is written.
    again = admin.post("/reports/assign", data={**form, "confirmed": fingerprint(check)})
    assert (
        again.status_code == 200
        and "What Confirm does changed since you checked" in again.get_data(as_text=True)
    )
    assert breakdown(again.get_data(as_text=True))["assigned"] == 0
    assert "Nothing to assign" in again.get_data(as_text=True)
    assert open_assignments(app, org) == after and len(assign_events(app)) == 1


def test_changing_the_person_after_checking_rechecks_before_assigning(app, org):
    admin = client_for(app, "admin@example.com")
    form = {**department_form(admin), "target": "person", "person": str(org["bruno@example.com"])}
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    assert breakdown(check)["assigned"] == 1
    switched = {**form, "person": str(org["manager@example.com"]), "confirmed": fingerprint(check)}
    response = admin.post("/reports/assign", data=switched)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "What Confirm does changed" in html and "Maria Manager" in html
    assert "manager@example.com" not in open_assignments(app, org)
    assert (
        admin.post("/reports/assign", data={**switched, "confirmed": fingerprint(html)}).status_code
        == 302
    )
    assert open_assignments(app, org)["manager@example.com"] == ("annual", date(2027, 2, 28))
    assert "bruno@example.com" not in open_assignments(
        app, org
    )  # the checked-then-abandoned choice


def test_check_again_never_assigns(app, org):
    admin = client_for(app, "admin@example.com")
    form = department_form(admin)
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    response = admin.post(
        "/reports/assign", data={**form, "confirmed": fingerprint(check), "recheck": "1"}
    )
    assert (
        response.status_code == 200 and breakdown(response.get_data(as_text=True))["assigned"] == 2
    )
    assert assign_events(app) == []


def test_reassign_gives_certified_people_a_new_assignment_only_when_asked(app, org):
    admin = client_for(app, "admin@example.com")
    form = department_form(admin, reassign="y")
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    assert breakdown(check) == {
        "assigned": 2,
        "reassigned": 3,
        "already_assigned": 3,
        "overdue_kept": 2,
        "already_certified": 0,
    }
    assert (
        admin.post("/reports/assign", data={**form, "confirmed": fingerprint(check)}).status_code
        == 302
    )
    after = open_assignments(app, org)
    assert all(
        after[e] == ("annual", date(2027, 2, 28))
        for e in ("alice@example.com", "chidi@example.com", "lead@example.com")
    )
    assert after["dana@example.com"][1] < TODAY  # re-assigning never moves an overdue due date


@pytest.mark.parametrize("due_on", ["2026-11-21", "2020-01-01"])
def test_a_due_date_in_the_past_is_a_field_error(app, org, due_on):
    admin = client_for(app, "admin@example.com")
    response = admin.post(
        "/reports/assign", data=department_form(admin, due_on=due_on, confirmed="x")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The due date is in the past" in html
    assert 'aria-invalid="true"' in html and "assign-breakdown" not in html
    assert assign_events(app) == []


@pytest.mark.parametrize(
    "due_on, message",
    [
        ("2028-11-23", "The due date is more than 2 years ahead: choose Nov 22, 2028 or earlier."),
        ("9999-12-31", "The due date is more than 2 years ahead"),
        ("31/12/2026", "Not a valid date. Write it as YYYY-MM-DD"),
        ("2026-02-30", "Not a valid date. Write it as YYYY-MM-DD"),
        ("tomorrow", "Not a valid date. Write it as YYYY-MM-DD"),
    ],
)
def test_a_due_date_too_far_ahead_or_badly_written_is_a_field_error(app, org, due_on, message):
    admin = client_for(app, "admin@example.com")
    before = open_assignments(app, org)
    for confirmed in ("", "x"):  # neither Check nor Confirm goes ahead
        response = admin.post(
            "/reports/assign",
            data=department_form(admin, due_on=due_on, confirmed=confirmed),
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html
        assert 'aria-describedby="due_on-format due_on-hint due_on-error"' in html
        assert 'aria-invalid="true"' in html and "assign-breakdown" not in html
    assert open_assignments(app, org) == before and assign_events(app) == []


def test_the_last_day_allowed_is_a_valid_due_date(app, org):
    admin = client_for(app, "admin@example.com")
    response = admin.post("/reports/assign", data=department_form(admin, due_on="2028-11-22"))
    assert (
        response.status_code == 200 and breakdown(response.get_data(as_text=True))["assigned"] == 2
    )


def test_the_due_date_shows_its_format_and_range(app, org):
    html = client_for(app, "admin@example.com").get("/reports/assign").get_data(as_text=True)
    assert '<p class="hint" id="due_on-format">Format: YYYY-MM-DD (year, month, day).</p>' in html
    assert "From today to Nov 22, 2028." in html
    assert 'aria-describedby="due_on-format due_on-hint"' in html


def test_today_is_a_valid_due_date(app, org):
    admin = client_for(app, "admin@example.com")
    html = admin.post(
        "/reports/assign", data=department_form(admin, due_on=TODAY.isoformat())
    ).get_data(as_text=True)
    assert breakdown(html)["assigned"] == 2


def test_a_manager_reaches_only_their_tree(app, org):
    lead = client_for(app, "lead@example.com")
    form = department_form(lead)  # the whole department is bigger than lead's tree
    html = lead.post("/reports/assign", data=form).get_data(as_text=True)
    assert (
        sum(breakdown(html).values()) == 2
        and "Sami Virtanen" in html
        and "Bruno Barros" not in html
    )
    outside = {
        **form,
        "target": "person",
        "person": str(org["finance@example.com"]),
        "confirmed": "x",
    }
    response = lead.post("/reports/assign", data=outside)
    assert (
        response.status_code == 400
        and "Choose only people in your reporting tree." in response.get_data(as_text=True)
    )
    other_tree = {**form, "target": "tree", "manager": str(org["manager@example.com"])}
    # Another manager's tree is not among the choices: a field error, nobody shown.
    response = lead.post("/reports/assign", data=other_tree)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not a valid choice." in html
    assert "assign-breakdown" not in html and "Bruno Barros" not in html
    assert assign_events(app) == []


def test_an_empty_target_is_a_field_error(app, org):
    admin = client_for(app, "admin@example.com")
    response = admin.post("/reports/assign", data={**department_form(admin), "department": ""})
    assert response.status_code == 400 and "Choose a department." in response.get_data(as_text=True)


# --- concurrency (PostgreSQL: real parallel transactions) ---------------------------


def _parallel(n: int, work) -> list[Exception]:
    barrier, errors = threading.Barrier(n), []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _one_row_each(app, person_ids) -> None:
    with app.app_context():
        counts = dict(
            session.execute(
                select(Assignment.person_id, func.count())
                .where(
                    Assignment.person_id.in_(person_ids),
                    Assignment.reason == "annual",
                    Assignment.due_on == date(2027, 2, 28),
                )
                .group_by(Assignment.person_id)
            ).all()
        )
    assert counts == dict.fromkeys(person_ids, 1)


def test_twenty_concurrent_confirms_assign_once(app, org, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    clients, forms = [], []
    for _ in range(20):
        admin = client_for(app, "admin@example.com")
        form = department_form(admin)
        check = admin.post("/reports/assign", data=form).get_data(as_text=True)
        clients.append(admin)
        forms.append({**form, "confirmed": fingerprint(check)})
    statuses: list[int] = []
    errors = _parallel(
        20, lambda i: statuses.append(clients[i].post("/reports/assign", data=forms[i]).status_code)
    )
    assert errors == [] and 500 not in statuses and 302 in statuses
    _one_row_each(app, [org["bruno@example.com"], org["manager@example.com"]])
    assert len(assign_events(app)) == 1


def test_twenty_concurrent_api_calls_assign_once(app, org, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    from lms.api.auth import create_token

    with app.app_context():
        _, token = create_token("HR system")
    new = [org["bruno@example.com"], org["manager@example.com"]]
    people = [*new, org["finance@example.com"]]  # finance@ already has an open assignment
    body = {"course": "mini", "people": people, "reason": "annual", "due_on": "2027-02-28"}
    clients = [app.test_client() for _ in range(20)]
    answers: list = []
    errors = _parallel(
        20,
        lambda i: answers.append(
            clients[i].post(
                "/api/v1/assignments", json=body, headers={"Authorization": f"Bearer {token}"}
            )
        ),
    )
    assert errors == [] and sorted({a.status_code for a in answers}) in ([200, 201], [201])
    assert sorted(a.get_json()["count"] for a in answers) == [0] * 19 + [2]
    assert all(
        r["outcome"] == "already_assigned"
        for a in answers
        if a.get_json()["count"] == 0
        for r in a.get_json()["results"]
    )
    _one_row_each(app, new)
    with app.app_context():
        [event] = assign_events(app)
        assert event.details["people"] == 2 and event.details["via"] == "api"
