"""Managers and admins read course titles in their own language too: the reports, the
assign page and the CSV export name the course as the learners' pages do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import load_demo, login, sync_courses_once

COURSES = Path(__file__).resolve().parents[2] / "courses"
TITLES = {
    "en": "Social media policy",
    "fi": "Sosiaalisen median ohje",
    "pl": "Polityka korzystania z mediów społecznościowych",
}


@pytest.mark.parametrize("language", ["fi", "pl"])
def test_report_pages_and_the_export_name_the_course_in_the_readers_language(app, runner, language):
    app.config["LMS_COURSES_DIR"] = str(COURSES)
    sync_courses_once(app, COURSES)
    load_demo(app, runner)
    with app.app_context():
        session.execute(
            update(Person)
            .where(Person.email.in_(["admin@example.com", "manager@example.com"]))
            .values(locale=language)
        )
        session.commit()
    for email, urls in (
        ("admin@example.com", ["/reports/org", "/reports/assign"]),
        ("manager@example.com", ["/reports/team"]),
    ):
        client = app.test_client()
        login(client, email, "training-demo")
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            assert TITLES[language] in page, (email, url)
            assert TITLES["en"] not in page, (email, url)
        if email == "manager@example.com":
            export = client.get("/reports/team.csv").get_data(as_text=True)
            assert TITLES[language] in export and TITLES["en"] not in export
