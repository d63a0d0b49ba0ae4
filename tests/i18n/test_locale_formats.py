"""Dates on people's pages are written the way the viewer's language writes them (Babel's
"medium" date), with the ISO date kept for machines in ``<time datetime>``."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from babel.dates import format_date
from sqlalchemy import select

from lms.accounts.models import Person
from lms.certification.models import CertificationPeriod
from lms.db import session
from tests.certification.test_certification_flow import complete_course
from tests.conftest import login


def visible_text(page: str) -> str:
    """The page as read, without tags (so attributes such as ``datetime`` are left out)."""
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "Jan 31, 2026"), ("fi", "31.1.2026"), ("pl", "31 sty 2026")],
)
def test_home_and_my_certificates_show_dates_in_the_viewers_format(
    app, client, synced, make_person, language, written
):
    lea = make_person("lea@example.com")
    complete_course(app, lea.id, date(2026, 1, 31))
    with app.app_context():
        session.get(Person, lea.id).locale = language
        session.commit()
        period = session.scalar(select(CertificationPeriod))
        certified_on, valid_until = period.certified_on, period.valid_until
    assert certified_on == date(2026, 1, 31)  # the day written out above
    login(client, "lea@example.com")

    home = visible_text(client.get("/").get_data(as_text=True))
    assert format_date(valid_until, "medium", locale=language) in home
    assert valid_until.isoformat() not in home

    mine = client.get("/certificates/").get_data(as_text=True)
    assert f'<time datetime="{certified_on.isoformat()}">{written}</time>' in mine
    until = format_date(valid_until, "medium", locale=language)
    assert f'<time datetime="{valid_until.isoformat()}">{until}</time>' in mine
    assert certified_on.isoformat() not in visible_text(mine)


@pytest.mark.parametrize(
    ("language", "written"), [("en", "Mar 2, 2026"), ("fi", "2.3.2026"), ("pl", "2 mar 2026")]
)
def test_a_reminder_email_writes_its_date_in_the_recipients_language(app, language, written):
    from lms.outbox.mail import Recipient, render_mail

    context = {
        "kind": "overdue",
        "course_title": "Basics",
        "course_url": "http://lms.test/courses/basics/",
        "valid_until": None,
        "due_on": date(2026, 3, 2),
    }
    with app.app_context():
        message = render_mail("reminder", Recipient("dana@example.com", locale=language), context)
    assert written in message.text and written in message.html
    assert "2026-03-02" not in message.text


@pytest.mark.parametrize(
    ("language", "whole", "one_decimal"),
    [("en", "83%", "83.2%"), ("fi", "83\xa0%", "83,2\xa0%"), ("fr", "83\xa0%", "83,2\xa0%")],
)
def test_a_percentage_keeps_the_locales_own_spacing(app, language, whole, one_decimal):
    from lms.i18n import force_locale, format_percent

    with app.app_context(), force_locale(language):
        assert format_percent(83.0) == whole
        assert format_percent(83.2, digits=1) == one_decimal


@pytest.mark.parametrize(
    ("language", "zone", "written", "iso"),
    [
        # CLDR puts a narrow no-break space before "PM".
        ("en", "UTC", "Jan 31, 2026, 4:05\u202fPM", "2026-01-31T16:05+00:00"),
        ("fi", "Europe/Helsinki", "31.1.2026 18.05", "2026-01-31T18:05+02:00"),
        ("pl", "Europe/Warsaw", "31 sty 2026, 17:05", "2026-01-31T17:05+01:00"),
    ],
)
def test_attempt_times_are_in_the_viewers_format_and_the_organisations_zone(
    app, client, synced, make_person, language, zone, written, iso
):
    from lms.quizzes.models import Attempt

    app.config["LMS_TIMEZONE"] = zone
    lea = make_person("lea@example.com")
    complete_course(app, lea.id, date(2026, 1, 31))
    with app.app_context():
        session.get(Person, lea.id).locale = language
        final = session.scalar(select(Attempt).where(Attempt.kind != "check"))
        final.submitted_at = datetime(2026, 1, 31, 16, 5)  # stored in UTC
        session.commit()
    login(client, "lea@example.com")
    page = client.get("/courses/mini/assessment").get_data(as_text=True)
    assert f'<time datetime="{iso}">{written}</time>' in page
    assert "2026-01-31 16:05" not in visible_text(page)
