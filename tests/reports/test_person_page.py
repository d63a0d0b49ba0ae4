"""The person page: a summary per course, readable evidence, remind and assign actions."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.certification.models import ReminderSent
from lms.db import session
from lms.outbox.models import OutboxJob
from tests.conftest import login
from tests.helpers import count_queries
from tests.reports.conftest import client_for


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_summary_per_course_with_status_progress_and_actions(app, org):
    c = client_for(app, "manager@example.com")
    html = c.get(f"/reports/people/{org['dana@example.com']}").get_data(as_text=True)
    assert "Progress" in html and 'data-course="mini"' in html
    row = html[html.index('data-course="mini"') :].split("</tr>")[0]
    assert "Overdue" in row and " of " in row
    assert "Send a reminder" in row
    assert f"/reports/assign?person={org['dana@example.com']}" in row or "/reports/assign?" in row


def test_evidence_uses_titles_not_ids(app, org):
    c = client_for(app, "manager@example.com")
    for email in ("alice@example.com", "chidi@example.com", "bruno@example.com"):
        html = c.get(f"/reports/people/{org[email]}").get_data(as_text=True)
        assert "path:" not in html and "→" not in html.split("Scenario runs")[-1]
        assert not re.search(r"check \([a-z0-9-]+\)", html)


def test_send_a_reminder_queues_one_mail_per_day(app, org):
    c = client_for(app, "manager@example.com")
    dana = org["dana@example.com"]
    html = c.get(f"/reports/people/{dana}").get_data(as_text=True)
    token = _csrf(html)
    refused = c.post(f"/reports/people/{dana}/remind", data={"course": "mini"})
    assert refused.status_code == 302  # back to the person page, "the form had expired"
    assert refused.headers["Location"].endswith(f"/reports/people/{dana}")
    with app.app_context():  # without the token nothing was sent
        assert (
            session.scalar(
                select(func.count())
                .select_from(ReminderSent)
                .where(ReminderSent.person_id == dana, ReminderSent.kind == "manual")
            )
            == 0
        )
    first = c.post(f"/reports/people/{dana}/remind", data={"course": "mini", "csrf_token": token})
    assert first.status_code == 302
    page = c.get(first.headers["Location"]).get_data(as_text=True)
    assert "is on its way" in page and "sent by a manager" in page
    again = c.post(
        f"/reports/people/{dana}/remind",
        data={"course": "mini", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "already got a reminder" in again
    with app.app_context():
        jobs = session.scalars(
            select(OutboxJob).where(
                OutboxJob.person_id == dana, OutboxJob.key.like("reminder:%:manual:%")
            )
        ).all()
        assert len(jobs) == 1
        from lms.audit.models import AuditEvent

        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "send_reminder")
        ).all()
        assert (
            len(events) == 1
            and events[0].target_id == dana
            and events[0].details["reminder"] == "overdue"
        )
        assert "overdue" in jobs[0].payload["subject"].lower() or "due" in jobs[0].payload["text"]


def test_reminder_only_for_people_in_the_tree(app, org):
    lead = client_for(app, "lead@example.com")
    token = _csrf(lead.get(f"/reports/people/{org['sami@example.com']}").get_data(as_text=True))
    response = lead.post(
        f"/reports/people/{org['dana@example.com']}/remind",
        data={"course": "mini", "csrf_token": token},
    )
    assert response.status_code == 404


def _check_attempt(pid, version, key: str, moment, *, score: int, seed: str = "s"):
    """A submitted knowledge check of module ``key``."""
    from lms.quizzes.models import Attempt

    return Attempt(
        person_id=pid,
        course_id=version.course_id,
        version_id=version.id,
        kind="check",
        module_key=key,
        seed=seed,
        pass_mark=80,
        questions=[],
        results=[],
        submitted_at=moment,
        score=score,
        passed=score >= 80,
    )


def _finished_run(pid, version, moment):
    """A passed run of the complaint scenario along path 1 → 1."""
    from lms.scenarios.models import ScenarioRun

    return ScenarioRun(
        person_id=pid,
        course_id=version.course_id,
        version_id=version.id,
        scenario_key="complaint",
        path=[1, 1],
        steps=2,
        finished_at=moment,
        outcome="pass",
        score=100,
        passed=True,
    )


def _mini_version():
    from lms.courses.models import Course, CourseVersion

    course = session.scalar(select(Course).where(Course.slug == "mini"))
    return session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))


def _add_history(app, pid: int, n: int) -> None:
    from datetime import datetime, timedelta

    with app.app_context():
        version = _mini_version()
        for i in range(n):
            moment = datetime(2026, 11, 1, 10, 0) + timedelta(hours=i)
            for key in ("basics", "voice"):
                session.add(_check_attempt(pid, version, key, moment, score=50, seed=f"s{i}"))
            session.add(_finished_run(pid, version, moment))
        session.commit()


def test_person_page_statements_do_not_grow_with_history(app, org):
    """No N+1: ten times the attempts and runs cost the same statements."""
    c = client_for(app, "admin@example.com")
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    pid = org["employee@example.com"]
    _add_history(app, pid, 1)
    c.get(f"/reports/people/{pid}")
    with count_queries(engine) as little:
        c.get(f"/reports/people/{pid}")
    _add_history(app, pid, 10)
    with count_queries(engine) as lots:
        html = c.get(f"/reports/people/{pid}").get_data(as_text=True)
    assert html.count("Knowledge check: Who speaks") == 11
    assert len(lots) == len(little), (len(little), len(lots))


def test_knowledge_checks_and_scenario_steps_in_words(app, org):
    from datetime import datetime

    pid = org["employee@example.com"]
    with app.app_context():
        version = _mini_version()
        moment = datetime(2026, 11, 20, 10, 0)
        session.add(_check_attempt(pid, version, "basics", moment, score=100))
        session.add(_finished_run(pid, version, moment))
        session.commit()
    html = (
        client_for(app, "manager@example.com").get(f"/reports/people/{pid}").get_data(as_text=True)
    )
    assert "Knowledge check: The basics" in html and "(basics)" not in html
    assert (
        "A complaint" in html and "Report to the social team" in html and "Leave it to them" in html
    )
    assert "path:" not in html and "1 → 1" not in html


def test_a_reminder_is_in_the_audit_log_in_words(app, org):
    c = client_for(app, "manager@example.com")
    dana = org["dana@example.com"]
    token = _csrf(c.get(f"/reports/people/{dana}").get_data(as_text=True))
    assert (
        c.post(
            f"/reports/people/{dana}/remind", data={"course": "mini", "csrf_token": token}
        ).status_code
        == 302
    )
    html = (
        client_for(app, "admin@example.com")
        .get("/admin/audit?action=send_reminder")
        .get_data(as_text=True)
    )
    assert "Sent a reminder" in html and "Dana Dąbrowska" in html


def test_a_certified_person_shows_the_requirements_met(app, org):
    html = (
        client_for(app, "manager@example.com")
        .get(f"/reports/people/{org['chidi@example.com']}")
        .get_data(as_text=True)
    )
    row = html[html.index('data-course="mini"') :].split("</tr>")[0]
    assert "Certified" in row and "passed" in row and "not taken" not in row and "0 of" not in row
    assert "Send a reminder" not in row


def test_a_matching_answer_shows_what_each_item_was_matched_to(app, synced, make_person):
    from tests.courses.test_learner_path import pass_module

    lea = make_person("lea@example.com")
    make_person("ada@example.com", role="admin")
    learner = app.test_client()
    login(learner, "lea@example.com")
    pass_module(app, learner, lea, "voice", right=False)  # every item matched wrongly
    admin = app.test_client()
    login(admin, "ada@example.com")
    page = admin.get(f"/reports/people/{lea.id}").get_data(as_text=True)
    assert "Angry comment → Point to support" in page and "Refund demand → Report it" in page
    assert "Angry comment → Report it ✔" not in page
    pass_module(app, learner, lea, "voice", right=True)
    page = admin.get(f"/reports/people/{lea.id}").get_data(as_text=True)
    assert "Angry comment → Report it ✔" in page and "Refund demand → Point to support ✔" in page
