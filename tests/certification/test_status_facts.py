"""The reports' status facts (``lms_status_facts``) stay what the records say: after every
write path, on the day asked, under concurrent writes, and repaired by the daily check."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select, update

from lms.accounts.services import find_by_email
from lms.certification import services as certification
from lms.certification import status_facts
from lms.certification.models import CertificationPeriod, StatusFacts
from lms.certification.revocation import revoke
from lms.certification.scope import Filters, Scope
from lms.certification.status_table import computed_status_table, status_table
from lms.courses.models import Module
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.quizzes import services as quizzes
from lms.scenarios import services as scenarios
from tests.certification.test_certification_flow import complete_course


def statuses(table) -> dict[tuple[int, int], tuple]:
    """(person, course) -> every column of a status table but the slug."""
    return {
        (r.person_id, r.course_id): (
            r.status,
            r.assignment_id,
            r.due_on,
            r.reason,
            r.certified_on,
            r.valid_until,
            r.version_id,
        )
        for r in session.execute(select(table))
    }


def agree(app, day: date) -> dict[tuple[int, int], tuple]:
    """The facts match the records, and the reports read the same from both; the
    statuses."""
    with app.app_context():
        assert status_facts.differences() == []
        from_facts = statuses(status_table(Scope(), day))
        assert from_facts == statuses(computed_status_table(Scope(), day))
        return from_facts


def first_module(version) -> Module:
    return session.scalars(
        select(Module).where(Module.version_id == version.id).order_by(Module.position)
    ).first()


def status_of(app, person_id: int, day: date) -> str:
    with app.app_context():
        table = status_table(Scope(), day, Filters(course="mini"))
        return session.scalar(select(table.c.status).where(table.c.person_id == person_id))


@pytest.fixture
def people(app, synced, make_person):
    admin = make_person("admin@example.com", role="admin")
    return admin, [make_person(f"p{i}@example.com") for i in range(3)]


def test_every_write_path_keeps_the_facts(app, people):
    admin, (a, b, c) = people
    day = date(2026, 1, 10)
    app.config["LMS_TODAY"] = day.isoformat()
    with app.app_context():
        version = latest_version_by_slug("mini")
        course_id = version.course_id
    assert agree(app, day)  # nothing recorded: everyone "not assigned", no rows
    with app.app_context():
        certification.assign(
            course_id, [a.id, b.id], reason="annual", due_on=date(2026, 1, 20), by=None
        )
    late = date(2026, 2, 1)
    assert status_of(app, a.id, day) == "assigned" and status_of(app, a.id, late) == "overdue"
    assert agree(app, day) and agree(app, late)
    with app.app_context():  # a read mark starts the course
        module = first_module(version)
        quizzes.mark_read(b.id, module, course_id)
    assert status_of(app, b.id, day) == "in_progress"
    assert status_of(app, b.id, late) == "overdue"
    with app.app_context():
        certification.assign(course_id, [c.id], reason="annual", due_on=date(2026, 3, 1), by=None)
        scenarios.start_run(c.id, version, scenarios.scenario_for(version, "complaint"))
    assert status_of(app, c.id, day) == "in_progress" and agree(app, day)
    with app.app_context():  # a knowledge check drawn for someone never assigned
        quizzes.check_for(admin.id, version, first_module(version))
    assert status_of(app, admin.id, day) == "not_assigned" and agree(app, day)
    complete_course(app, a.id, day)  # issuing closes the assignment
    assert status_of(app, a.id, day) == "certified" and agree(app, day)
    with app.app_context():
        period = session.scalar(
            select(CertificationPeriod).where(CertificationPeriod.person_id == a.id)
        )
        revoke(period, reason="Shared a customer's address", by=find_by_email(admin.email))
    assert status_of(app, a.id, day) == "revoked" and agree(app, day)
    later = date(2027, 2, 1)  # the dates move the statuses, not the rows
    assert agree(app, later)[(c.id, course_id)][0] == "overdue"


def test_a_day_before_the_latest_period_is_computed_from_the_records(app, people):
    _admin, (a, _b, _c) = people
    complete_course(app, a.id, date(2026, 1, 31))
    complete_course(app, a.id, date(2026, 12, 20))  # renewed in the window
    with app.app_context():
        facts = session.get(StatusFacts, (a.id, latest_version_by_slug("mini").course_id))
        assert facts.certified_on == date(2026, 12, 20)
    # On 2026-12-10 the renewal did not exist: the first period, its window open.
    assert status_of(app, a.id, date(2026, 12, 10)) == "renewal_due"
    assert status_of(app, a.id, date(2027, 1, 5)) == "certified"
    with app.app_context():
        table = status_table(Scope(), date(2026, 12, 10), Filters(course="mini"))
        valid = session.scalar(select(table.c.valid_until).where(table.c.person_id == a.id))
    assert valid == date(2027, 1, 31)


def test_the_check_finds_and_repairs_a_wrong_row(app, people, runner):
    _admin, (a, b, _c) = people
    complete_course(app, a.id, date(2026, 1, 31))
    with app.app_context():
        course_id = latest_version_by_slug("mini").course_id
        certification.assign(course_id, [b.id], reason="annual", due_on=date(2026, 3, 1), by=None)
        session.execute(  # a bug in some write path, simulated
            update(StatusFacts)
            .where(StatusFacts.person_id == a.id)
            .values(valid_until=date(2030, 1, 1))
        )
        session.execute(StatusFacts.__table__.delete().where(StatusFacts.person_id == b.id))
        session.commit()
    dry = runner.invoke(args=["lms", "check-statuses", "--dry-run"])
    assert dry.exit_code == 1
    assert f"would repair the status facts of person {a.id}, course {course_id}" in dry.output
    assert f"person {b.id}, course {course_id}" in dry.output
    assert "2 status fact row(s) differed" in dry.output
    fixed = runner.invoke(args=["lms", "check-statuses"])
    assert fixed.exit_code == 1 and "repaired" in fixed.output
    assert agree(app, date(2026, 2, 1))
    again = runner.invoke(args=["lms", "check-statuses"])
    assert again.exit_code == 0 and "0 status fact row(s) differed" in again.output


def test_the_daily_run_repairs_quietly(app, people, runner):
    _admin, (a, _b, _c) = people
    complete_course(app, a.id, date(2026, 1, 31))
    quiet = runner.invoke(args=["lms", "send-reminders", "--today", "2026-02-01"])
    assert quiet.exit_code == 0 and "status fact" not in quiet.output
    with app.app_context():
        session.execute(StatusFacts.__table__.delete())
        session.commit()
    loud = runner.invoke(args=["lms", "send-reminders", "--today", "2026-02-01"])
    assert loud.exit_code == 0 and "1 status fact row(s) differed" in loud.output
    assert agree(app, date(2026, 2, 1))


def test_concurrent_writes_on_one_person_keep_every_fact(app, people, database_url):
    """An assignment, a read mark and a revocation of the same person and course at the
    same moment: each transaction's refresh sees the others' committed writes."""
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    admin, (a, b, _c) = people
    complete_course(app, a.id, date(2026, 1, 31))
    app.config["LMS_TODAY"] = "2026-02-01"
    with app.app_context():
        version = latest_version_by_slug("mini")
        course_id, module = version.course_id, first_module(version)
        period_id = session.scalar(select(CertificationPeriod.id))
    barrier, errors = threading.Barrier(4), []

    def run(work):
        try:
            with app.app_context():
                barrier.wait()
                work()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def assign():
        certification.assign(
            course_id, [a.id, b.id], reason="manual", due_on=date(2026, 3, 1), by=None
        )

    def read():
        quizzes.mark_read(b.id, module, course_id)

    def revoke_it():
        revoke(
            session.get(CertificationPeriod, period_id),
            reason="Shared a customer's address",
            by=find_by_email(admin.email),
        )

    def assign_again():
        certification.assign(course_id, [b.id], reason="manual", due_on=date(2026, 3, 1), by=None)

    threads = [
        threading.Thread(target=run, args=(w,)) for w in (assign, read, revoke_it, assign_again)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    found = agree(app, date(2026, 2, 1))
    assert found[(a.id, course_id)][0] == "revoked"
    assert found[(b.id, course_id)][0] == "in_progress"
