"""One status everywhere: for a table of learner states, the learner's home and course
page, the manager's team report, its CSV and the API all say the same, and that is what
``lms.domain.certification.status_on`` says about the same facts.

(Before, at 9 of 13 steps done, home and course page said "Assigned" while the report
said "In progress": the pages never told the rules that the learner had started.)
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.certification import status_facts
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.models import Course, CourseVersion, ModuleProgress
from lms.db import session
from lms.domain.certification import (
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    AssignmentFacts,
    PeriodFacts,
    status_on,
)
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun
from tests.conftest import login

T = date(2027, 3, 1)
D = timedelta


def _period(certified, until, window, revoked=None):
    return (certified, until, window, revoked)


# name -> (periods, open assignment (assigned_on, due_on) or None, activity, expected status)
STATES = {
    "not-assigned": ([], None, None, "not_assigned"),
    "started-not-assigned": ([], None, "module", "not_assigned"),
    "assigned": ([], (T - D(5), T + D(30)), None, "assigned"),
    "in-progress": ([], (T - D(5), T + D(30)), "module", "in_progress"),
    "in-progress-by-check": ([], (T - D(5), T + D(30)), "check", "in_progress"),
    "in-progress-by-scenario": ([], (T - D(5), T + D(30)), "scenario", "in_progress"),
    "due-today": ([], (T - D(5), T), "module", "in_progress"),
    "overdue": ([], (T - D(40), T - D(1)), "module", "overdue"),
    "certified": ([_period(T - D(30), T + D(335), T + D(275))], None, None, "certified"),
    "renewal-due": ([_period(T - D(320), T + D(45), T - D(15))], None, None, "renewal_due"),
    "expired": ([_period(T - D(400), T - D(1), T - D(61))], None, None, "expired"),
    "expired-reassigned": (
        [_period(T - D(400), T - D(1), T - D(61))],
        (T - D(1), T + D(20)),
        "module",
        "expired",
    ),
    "revoked": ([_period(T - D(30), T + D(335), T + D(275), T - D(2))], None, None, "revoked"),
}


@pytest.fixture
def learners(app, synced, make_person):
    app.config["LMS_TODAY"] = T.isoformat()
    boss = make_person("boss@example.com", role="manager")
    ids = {name: make_person(f"{name}@example.com", manager_id=boss.id).id for name in STATES}
    with app.app_context():
        course = session.scalar(select(Course).where(Course.slug == "mini"))
        version = session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))
        for name, (periods, assignment, activity, _expected) in STATES.items():
            pid = ids[name]
            for i, (certified, until, window, revoked) in enumerate(periods):
                session.add(
                    CertificationPeriod(
                        person_id=pid,
                        course_id=course.id,
                        version_id=version.id,
                        sequence=i + 1,
                        kind="initial",
                        certified_on=certified,
                        valid_until=until,
                        window_opens_on=window,
                        revoked_on=revoked,
                        revoked_reason="Shared a customer's address" if revoked else None,
                        code=f"TEST-{name}-{i}",
                        details={
                            "course_title": "Mini policy course",
                            "version_label": "v1",
                            "person_name": name,
                        },
                    )
                )
            if assignment:
                session.add(
                    Assignment(
                        person_id=pid,
                        course_id=course.id,
                        reason="annual",
                        assigned_on=assignment[0],
                        due_on=assignment[1],
                    )
                )
            if activity == "module":
                session.add(
                    ModuleProgress(
                        person_id=pid, course_id=course.id, module_key="basics", sections_hash="old"
                    )
                )
            elif activity == "check":
                session.add(
                    Attempt(
                        person_id=pid,
                        course_id=course.id,
                        version_id=version.id,
                        kind="check",
                        module_key="basics",
                        seed="s",
                        pass_mark=80,
                        questions=[],
                    )
                )
            elif activity == "scenario":
                session.add(
                    ScenarioRun(
                        person_id=pid,
                        course_id=course.id,
                        version_id=version.id,
                        scenario_key="complaint",
                        path=[],
                        steps=0,
                    )
                )
        status_facts.rebuild()  # rows written past the services: derive their facts
        session.commit()
    return ids


# A status badge: its colour and its word.
WORD = r'<span class="status status-([a-z]+)">([^<]+)</span>'

# What each status looks like, by the report's colour families: action needed is red, a
# renewal window open amber, certified green, everything not yet done grey.
BADGE = {
    "not_assigned": ("grey", "Not assigned"),
    "assigned": ("grey", "Assigned"),
    "in_progress": ("grey", "In progress"),
    "overdue": ("red", "Overdue"),
    "certified": ("green", "Certified"),
    "renewal_due": ("amber", "Renewal due"),
    "expired": ("red", "Expired"),
    "revoked": ("red", "Revoked"),
}


def home_word(client) -> tuple[str, str]:
    html = client.get("/").get_data(as_text=True)
    card = html[html.index('<li class="card">') :]
    return re.search(WORD, card).groups()


def course_word(client) -> tuple[str, str]:
    html = client.get("/courses/mini/").get_data(as_text=True)
    return re.search(r"Status:\s*" + WORD, html).groups()


def report_words(client) -> dict[str, tuple[str, str]]:
    html = client.get("/reports/team?course=mini&per_page=100").get_data(as_text=True)
    rows = re.findall(r'<span class="meta">([^<]+@example\.com)</span></th>.*?' + WORD, html, re.S)
    return {email: (colour, word) for email, colour, word in rows}


def csv_statuses(client) -> dict[str, str]:
    text = client.get("/reports/team.csv?course=mini").get_data(as_text=True)
    return {r["person_email"]: r["status"] for r in csv.DictReader(io.StringIO(text))}


def api_statuses(app) -> dict[str, str]:
    from lms.api.auth import create_token

    with app.app_context():
        _, token = create_token("status check")
    data = (
        app.test_client()
        .get(
            "/api/v1/completions?course=mini&per_page=100",
            headers={"Authorization": f"Bearer {token}"},
        )
        .get_json()["data"]
    )
    return {r["email"]: r["status"] for r in data}


def test_every_page_and_export_agrees_on_every_state(app, learners):
    boss = app.test_client()
    login(boss, "boss@example.com")
    report, exported, api = report_words(boss), csv_statuses(boss), api_statuses(app)
    for name, (periods, assignment, activity, expected) in STATES.items():
        email = f"{name}@example.com"
        facts = [PeriodFacts(*p) for p in periods]
        rules = status_on(
            T,
            facts,
            AssignmentFacts(*assignment, started=activity is not None) if assignment else None,
        )
        learner = app.test_client()
        login(learner, email)
        seen = {
            "rules": rules,
            "home": home_word(learner),
            "course page": course_word(learner),
            "team report": report[email],
            "csv": exported[email],
            "api": api[email],
        }
        badge = BADGE[expected]
        assert seen == {
            "rules": expected,
            "home": badge,
            "course page": badge,
            "team report": badge,
            "csv": expected,
            "api": expected,
        }, name


def test_the_domain_names_and_colours_are_the_ones_the_pages_show():
    """The domain's words (the report's columns and the CSV's status_label use them) and
    colours are the ones the badges show (the badge macro has its own copy of both)."""
    assert {s: (STATUS_COLOURS[s], STATUS_LABELS[s]) for s in STATUSES} == BADGE


def test_the_team_report_counts_statuses_in_report_order(app, learners):
    """Columns run from nothing done to done, then what went wrong after certification."""
    boss = app.test_client()
    login(boss, "boss@example.com")
    html = boss.get("/reports/team").get_data(as_text=True)
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", html, re.S).group(1)
    assert re.findall(r'<th scope="col">([^<]+)</th>', header) == [
        "Course",
        "Not assigned",
        "Assigned",
        "In progress",
        "Overdue",
        "Certified",
        "Renewal due",
        "Expired",
        "Revoked",
        "Total",
    ]


def test_revoked_and_expired_are_told_apart_on_the_learners_pages(app, learners):
    revoked, expired = app.test_client(), app.test_client()
    login(revoked, "revoked@example.com")
    login(expired, "expired@example.com")
    for page in ("/", "/courses/mini/"):
        text = revoked.get(page).get_data(as_text=True)
        assert "Your certificate was revoked on Feb 27, 2027." in text, page
        assert "Reason: Shared a customer&#39;s address" in text, page
        other = expired.get(page).get_data(as_text=True)
        assert (
            "was valid until Feb 28, 2027 and has expired" in other
            and "revoked" not in other.lower()
        ), page


def test_the_facts_and_the_records_give_every_state_alike(app, learners):
    """Every state of the table above, worked out from ``lms_status_facts`` and from the
    source tables, on the day and on days around it."""
    from lms.certification.scope import Scope
    from lms.certification.status_table import computed_status_table, status_table

    with app.app_context():
        assert status_facts.differences() == []
        for day in (T - D(400), T, T + D(200), T + D(800)):
            read = [
                dict(
                    (r.person_id, (r.status, r.due_on, r.certified_on, r.valid_until))
                    for r in session.execute(select(table(Scope(), day)))
                )
                for table in (status_table, computed_status_table)
            ]
            assert read[0] == read[1], day
        on_the_day = session.execute(select(status_table(Scope(), T))).all()
        assert {r.status for r in on_the_day} >= {s for *_, s in STATES.values()}
