"""The digest preview shows exactly what the weekly digest e-mail will say."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date

from lms.certification import services as certification
from lms.courses.services import latest_version_by_slug
from tests.conftest import login
from tests.outbox.helpers import deliver_mail


def _team(app, make_person, late_count: int):
    boss = make_person("boss@example.com", role="manager")
    mid = make_person("mid@example.com", role="manager", manager_id=boss.id)
    late = [make_person(f"late{i}@example.com", manager_id=mid.id) for i in range(late_count)]
    make_person("elsewhere@example.com")
    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.assign(
            version.course_id,
            [p.id for p in late],
            reason="annual",
            due_on=date(2027, 1, 10),
            by=None,
            today=date(2026, 12, 1),
        )
    app.config["LMS_TODAY"] = "2027-01-20"
    return boss, mid


def _preview(client) -> tuple[str, str, str]:
    page = client.get("/reports/digest").get_data(as_text=True)
    subject = re.search(r'class="digest-subject">(.*?)</dd>', page, re.S).group(1)
    text = re.search(r'class="digest-text">(.*?)</pre>', page, re.S).group(1)
    return page, htmllib.unescape(subject), htmllib.unescape(text)


def test_preview_is_the_mail_the_run_sends(app, runner, synced, make_person):
    _boss, mid = _team(app, make_person, 2)
    c = app.test_client()
    login(c, mid.email)
    page, subject, text = _preview(c)
    assert subject == "Mini policy course: 2 people in your team need attention"
    runner.invoke(args=["lms", "send-reminders", "--today", "2027-01-20"])
    sent = [m for m in deliver_mail(app) if m.to[0] == mid.email and "attention" in m.subject]
    assert len(sent) == 1 and sent[0].subject == subject and sent[0].text == text
    assert "This week&#39;s digest was sent on Jan 20, 2027." in c.get("/reports/digest").get_data(
        as_text=True
    )


def test_one_person_is_singular(app, synced, make_person):
    _boss, mid = _team(app, make_person, 1)
    c = app.test_client()
    login(c, mid.email)
    _page, subject, _text = _preview(c)
    assert subject == "Mini policy course: 1 person in your team needs attention"


def test_nothing_to_say_and_linked_from_the_team_report(app, synced, make_person):
    boss = make_person("calm@example.com", role="manager")
    make_person("fine@example.com", manager_id=boss.id)
    c = app.test_client()
    login(c, boss.email)
    assert "No digest this week" in c.get("/reports/digest").get_data(as_text=True)
    assert "/reports/digest" in c.get("/reports/team").get_data(as_text=True)


def test_employees_cannot_see_it(app, synced, make_person):
    person = make_person("plain@example.com")
    c = app.test_client()
    login(c, person.email)
    assert c.get("/reports/digest").status_code == 403
