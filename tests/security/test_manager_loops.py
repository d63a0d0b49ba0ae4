"""Manager chains cannot loop, and data that loops anyway hangs nothing."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import select, update

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import login

CSV_HEADER = "email,name,role,manager_email,department\n"


@pytest.fixture
def chain(app, synced, make_person):
    """boss <- mid <- ann (ann reports to mid, who reports to boss)."""
    boss = make_person("boss@example.com", role="manager", department="Sales")
    mid = make_person("mid@example.com", role="manager", department="Sales", manager_id=boss.id)
    ann = make_person("ann@example.com", department="Sales", manager_id=mid.id)
    return boss, mid, ann


def managers(app) -> dict[str, str | None]:
    with app.app_context():
        return {
            p.email: p.manager.email if p.manager else None for p in session.scalars(select(Person))
        }


def test_an_import_that_closes_a_loop_with_the_database_is_refused(app, runner, chain, tmp_path):
    before = managers(app)
    path = tmp_path / "people.csv"
    path.write_text(CSV_HEADER + "boss@example.com,Bea Boss,manager,ann@example.com,Sales\n")
    result = runner.invoke(args=["lms", "import-people", str(path)])
    assert result.exit_code == 1
    assert "line 2: the manager chain would loop: " in result.output
    assert (
        "boss@example.com -> ann@example.com -> mid@example.com -> boss@example.com"
        in result.output
    )
    assert "Nothing was imported." in result.output
    assert managers(app) == before


def test_the_issues_reproducer_is_refused(app, runner, chain, tmp_path):
    # manager@ -> lead@ while lead@ reports to manager@, as the demo has it.
    path = tmp_path / "people.csv"
    path.write_text(CSV_HEADER + "boss@example.com,Bea Boss,manager,mid@example.com,Sales\n")
    result = runner.invoke(args=["lms", "import-people", str(path)])
    assert result.exit_code == 1 and "would loop" in result.output


def test_the_api_refuses_a_loop_naming_it(app, chain):
    from lms.api.auth import create_token

    boss, _mid, ann = chain
    with app.app_context():
        _, token = create_token("HR")
    response = app.test_client().patch(
        f"/api/v1/people/{boss.id}",
        json={"manager_email": ann.email},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "would loop" in response.get_json()["error"]["fields"]["manager_email"]


def test_hiring_a_candidate_under_their_own_report_is_refused(app, chain):
    from lms.candidates import services as candidates

    boss, mid, ann = chain
    with app.app_context():
        cara = session.get(Person, ann.id)
        cara.role, cara.manager_id = "candidate", None
        session.commit()
        session.execute(update(Person).where(Person.id == mid.id).values(manager_id=ann.id))
        session.commit()  # a loop-free tree below cara: mid reports to her
        by = session.get(Person, boss.id)
        by.role = "admin"
        session.commit()
        with pytest.raises(candidates.CandidateError, match="would loop"):
            candidates.hire(session.get(Person, ann.id), by, session.get(Person, mid.id), "Sales")
    assert managers(app)["ann@example.com"] is None


def test_concurrent_patches_naming_each_other_never_make_a_loop(app, chain, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    from lms.api.auth import create_token

    with app.app_context():
        _, token = create_token("HR")
        a = session.scalar(select(Person.id).where(Person.email == "ann@example.com"))
        b = session.scalar(select(Person.id).where(Person.email == "boss@example.com"))
        session.execute(update(Person).values(manager_id=None))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for _round in range(10):
        barrier, codes = threading.Barrier(2), []

        def patch(person_id, manager_email, barrier=barrier, codes=codes):
            client = app.test_client()
            barrier.wait()
            codes.append(
                client.patch(
                    f"/api/v1/people/{person_id}",
                    json={"manager_email": manager_email},
                    headers=headers,
                ).status_code
            )

        threads = [
            threading.Thread(target=patch, args=(a, "boss@example.com")),
            threading.Thread(target=patch, args=(b, "ann@example.com")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [200, 422]
        chains = managers(app)
        assert not (
            chains["ann@example.com"] == "boss@example.com"
            and chains["boss@example.com"] == "ann@example.com"
        )
        with app.app_context():
            session.execute(update(Person).values(manager_id=None))
            session.commit()


@pytest.fixture
def looping(app, chain):
    """A loop that got into the data some other way: boss reports to ann."""
    boss, _mid, ann = chain
    with app.app_context():
        session.execute(update(Person).where(Person.id == boss.id).values(manager_id=ann.id))
        session.commit()
    return chain


def test_reports_and_person_pages_end_on_looping_data(app, client, looping):
    boss, mid, ann = looping
    login(client, "boss@example.com")
    started = time.monotonic()
    assert client.get("/reports/team").status_code == 200
    exported = client.get("/reports/team.csv")  # streamed: read to the end, or nothing ran
    assert exported.status_code == 200 and ann.email in exported.get_data(as_text=True)
    assert client.get(f"/reports/people/{ann.id}").status_code == 200
    assert time.monotonic() - started < 10


def test_the_reminder_run_ends_on_looping_data(app, looping):
    from lms.certification.reminders import send_reminders

    with app.app_context():
        send_reminders(date(2027, 1, 1))  # returns, whatever it has to send


def test_tree_queries_terminate_and_include_everyone_once(app, looping):
    from lms.accounts.tree import in_tree, report_ids

    boss, mid, ann = looping
    with app.app_context():
        assert report_ids(boss.id) == {mid.id, ann.id}
        assert in_tree(ann.id, boss.id) and in_tree(boss.id, ann.id)


def test_an_empty_manager_email_is_not_an_address(app, chain):
    from lms.api.auth import create_token

    _boss, _mid, ann = chain
    with app.app_context():
        _, token = create_token("HR")
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    for body in (
        {"manager_email": ""},
        {"manager_email": "   "},
        {"manager_email": "not-an-address"},
    ):
        response = client.patch(f"/api/v1/people/{ann.id}", json=body, headers=headers)
        assert (
            response.status_code == 422
            and "manager_email" in response.get_json()["error"]["fields"]
        ), body
    created = client.post(
        "/api/v1/people",
        json={"email": "new@example.com", "name": "New", "manager_email": ""},
        headers=headers,
    )
    assert created.status_code == 422
    assert managers(app)["ann@example.com"] == "mid@example.com"


def test_a_manager_sees_only_their_trees_departments_in_the_filter(app, client, chain, make_person):
    make_person("fin@example.com", department="Finance")
    login(client, "mid@example.com")
    html = client.get("/reports/team").get_data(as_text=True)
    assert '<option value="Sales">' in html and "Finance" not in html
