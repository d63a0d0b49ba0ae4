"""The organisation's status counts (``lms_status_rollup``, PostgreSQL) stay what a fresh
count says after every kind of write, under concurrent writers and a rebuild at once, and
the organisation report shows the same from the rollup as from the status facts."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import delete, event, select, text, update

from lms.accounts.models import Person
from lms.certification import rollup
from lms.certification import services as certification
from lms.certification.models import CertificationPeriod, StatusRollup
from lms.certification.revocation import revoke
from lms.certification.scope import Scope
from lms.certification.status_table import status_table
from lms.courses.models import Course
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.quizzes import services as quizzes
from tests.certification.test_certification_flow import complete_course
from tests.certification.test_status_facts import first_module
from tests.conftest import login
from tests.reports.test_status_everywhere import STATES, T, learners  # noqa: F401

DAY = date(2026, 2, 1)


@pytest.fixture(autouse=True)
def _postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the rollup is PostgreSQL's (set LMS_TEST_DATABASE_URL)")


def counts(app) -> dict[tuple, int]:
    """(course, manager, department, status) -> people, summed from the rollup."""
    with app.app_context():
        return {
            (r.course_id, r.manager_id, r.department, r.status): r.people
            for r in session.execute(select(rollup.summed()))
        }


def fresh(app, day: date) -> dict[tuple, int]:
    """The same counted from the reports' status table (the Python CASE)."""
    with app.app_context():
        table = status_table(Scope(), day, person_columns=(Person.manager_id, Person.department))
        found: dict[tuple, int] = {}
        for r in session.execute(select(table)):
            key = (r.course_id, r.manager_id, r.department, r.status)
            found[key] = found.get(key, 0) + 1
        return found


def build(app, day: date) -> None:
    with app.app_context():
        rollup.rebuild(day)
        session.commit()


def holds(app, day: date) -> None:
    with app.app_context():
        assert rollup.built_for() == day
        assert rollup.differences(day) == 0
    assert counts(app) == fresh(app, day)


@pytest.fixture
def org(app, synced, make_person):
    app.config["LMS_TODAY"] = DAY.isoformat()
    admin = make_person("admin@example.com", role="admin")
    boss = make_person("boss@example.com", role="manager")
    team = [make_person(f"p{i}@example.com", manager_id=boss.id) for i in range(4)]
    with app.app_context():
        session.execute(
            update(Person).where(Person.id.in_([p.id for p in team[:2]])).values(department="Sales")
        )
        session.commit()
        course_id = latest_version_by_slug("mini").course_id
    return admin, boss, team, course_id


def test_the_sql_status_function_is_the_reports_case_on_every_state(app, learners):  # noqa: F811
    """``lms_status_on`` (the rollup's) and the status table's CASE give every state of
    the table in tests/reports alike, on the day and on days around it."""
    for day in (T, date(2027, 9, 1), date(2029, 1, 1)):  # days the facts hold on
        build(app, day)
        holds(app, day)
    with app.app_context():
        by_function = dict(
            session.execute(
                text(
                    "SELECT p.email, lms_status_on(f.certified_on, f.revoked_on, f.valid_until,"
                    " f.window_opens_on, f.assignment_id IS NOT NULL, f.due_on, f.started, :day)"
                    " FROM lms_person p LEFT JOIN lms_status_facts f ON f.person_id = p.id"
                    " WHERE p.email <> 'boss@example.com'"
                ),
                {"day": T},
            ).all()
        )
    assert by_function == {f"{name}@example.com": s for name, (*_, s) in STATES.items()}


def test_every_kind_of_write_keeps_the_counts(app, org, make_person):
    admin, boss, (a, b, c, d), course_id = org
    with app.app_context():
        module = first_module(latest_version_by_slug("mini"))
    build(app, DAY)
    holds(app, DAY)

    with app.app_context():  # not assigned -> assigned
        certification.assign(course_id, [a.id, b.id, c.id], reason="manual", due_on=None, by=None)
        session.commit()
    holds(app, DAY)
    with app.app_context():  # assigned -> in progress
        quizzes.mark_read(b.id, module, course_id)
        session.commit()
    holds(app, DAY)
    complete_course(app, a.id, DAY)  # -> certified
    holds(app, DAY)
    with app.app_context():  # certified -> revoked
        period = session.scalar(select(CertificationPeriod))
        revoke(period, reason="Shared a customer's address", by=session.get(Person, admin.id))
        session.commit()
    holds(app, DAY)

    with app.app_context():  # people move: department, manager, leaving, coming back
        session.execute(update(Person).where(Person.id == b.id).values(department="Legal"))
        session.execute(update(Person).where(Person.id == c.id).values(manager_id=None))
        session.execute(update(Person).where(Person.id == d.id).values(status="inactive"))
        session.commit()
    holds(app, DAY)
    with app.app_context():
        session.execute(update(Person).where(Person.id == d.id).values(status="active"))
        session.commit()
    holds(app, DAY)
    make_person("new@example.com", manager_id=boss.id)  # a newcomer: not assigned
    holds(app, DAY)
    with app.app_context():  # a manager leaves: their team's manager becomes none
        session.execute(delete(Person).where(Person.id == boss.id))
        session.commit()
    holds(app, DAY)
    with app.app_context():  # a new course: everyone not assigned to it; then it goes
        session.add(Course(slug="extra"))
        session.commit()
    holds(app, DAY)
    with app.app_context():
        session.execute(delete(Course).where(Course.slug == "extra"))
        session.commit()
    holds(app, DAY)
    with app.app_context():  # one row per group once the daily run folds the moves
        moved = session.scalar(select(text("count(*)")).select_from(StatusRollup))
        build(app, DAY)
        assert session.scalar(select(text("count(*)")).select_from(StatusRollup)) < moved
    holds(app, DAY)


def test_concurrent_writers_and_a_rebuild_lose_no_move(app, org, make_person):
    """Assignments, a read mark and a newcomer committed while the daily rebuild runs:
    the rebuild waits for the writers in flight, later writers count on its day."""
    admin, boss, (a, b, c, d), course_id = org
    build(app, DAY)
    with app.app_context():
        module = first_module(latest_version_by_slug("mini"))
    barrier, errors = threading.Barrier(5), []

    def run(work):
        try:
            with app.app_context():
                barrier.wait()
                work()
                session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    work = [
        lambda: certification.assign(
            course_id, [a.id, b.id], reason="manual", due_on=None, by=None
        ),
        lambda: certification.assign(course_id, [c.id], reason="manual", due_on=None, by=None),
        lambda: quizzes.mark_read(d.id, module, course_id),
        lambda: rollup.rebuild(DAY),
        lambda: session.execute(update(Person).where(Person.id == a.id).values(department="Ops")),
    ]
    threads = [threading.Thread(target=run, args=(w,)) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    holds(app, DAY)


def test_the_daily_check_finds_and_mends_wrong_counts(app, org):
    _admin, _boss, (a, *_), course_id = org
    runner = app.test_cli_runner()
    with app.app_context():
        assert rollup.built_for() is None
    first = runner.invoke(args=["lms", "check-statuses", "--today", DAY.isoformat()])
    assert first.exit_code == 0, first.output
    holds(app, DAY)  # built by the daily run
    with app.app_context():
        session.add(
            StatusRollup(
                course_id=course_id, manager_id=None, department=None, status="assigned", people=3
            )
        )
        session.commit()
    found = runner.invoke(args=["lms", "check-statuses", "--today", DAY.isoformat()])
    assert found.exit_code == 1 and "1 status count group(s) differed" in found.output
    holds(app, DAY)
    later = date(2026, 3, 1)  # a new day: counted afresh for it
    again = runner.invoke(args=["lms", "check-statuses", "--today", later.isoformat()])
    assert again.exit_code == 0, again.output
    holds(app, later)


def _report_body(client) -> str:
    html = client.get("/reports/org").get_data(as_text=True)
    return re.sub(r'name="csrf_token"[^>]*>', "", html.split("<main", 1)[1])


def test_the_org_report_reads_the_rollup_and_shows_the_same(app, org):
    admin, boss, (a, b, c, d), course_id = org
    complete_course(app, a.id, DAY)
    with app.app_context():
        certification.assign(course_id, [b.id, c.id], reason="manual", due_on=None, by=None)
        session.commit()
    client = app.test_client()
    login(client, admin.email)
    from_facts = _report_body(client)
    build(app, DAY)
    statements = []
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        from_rollup = _report_body(client)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert from_rollup == from_facts
    grouped = [s for s in statements if "GROUPING SETS" in s]
    assert len(grouped) == 1 and "lms_status_rollup" in grouped[0]
    assert "lms_status_facts" not in grouped[0]
    with app.app_context():  # counted for another day: the facts again, not the rollup
        rollup.rebuild(date(2026, 1, 31))
        session.commit()
    statements.clear()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get("/reports/org").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    grouped = [s for s in statements if "GROUPING SETS" in s]
    assert len(grouped) == 1 and "lms_status_rollup " not in grouped[0]
