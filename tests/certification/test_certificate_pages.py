"""What certificates and cards say after a renewal or a lapse (the mini course)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.certification import status_facts
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.services import latest_version_by_slug
from lms.db import session
from tests.certification.test_certification_flow import complete_course
from tests.conftest import login


@pytest.fixture
def learner(app, synced, make_person):
    return make_person("cert@example.com", name="Zoë Dąbrowska")


def codes(app, person_id):
    with app.app_context():
        return list(
            session.scalars(
                select(CertificationPeriod.code)
                .where(CertificationPeriod.person_id == person_id)
                .order_by(CertificationPeriod.sequence)
            )
        )


def row_of(page: str, code: str) -> str:
    return re.search(r"<tr>(?:(?!</tr>).)*" + code + r".*?</tr>", page, re.S).group(0)


def test_after_a_renewal_the_previous_certificate_says_renewed(app, client, learner):
    complete_course(app, learner.id, date(2026, 1, 31))
    complete_course(app, learner.id, date(2026, 12, 10))  # in the refresher window
    old, new = codes(app, learner.id)
    for today in ("2026-12-20", "2027-03-01"):  # in the old window, then past its expiry
        app.config["LMS_TODAY"] = today
        login(client, "cert@example.com")  # sign-ins last days, on the pinned clock too
        page = client.get("/certificates/").get_data(as_text=True)
        assert "Renewed" in row_of(page, old) and "Renewal due" not in row_of(page, old)
        assert "Expired" not in row_of(page, old)
        assert "Valid" in row_of(page, new)
        verify = app.test_client().get(f"/verify/{old}").get_data(as_text=True)
        assert "Renewed" in verify and "replaced by a renewal" in verify


def test_an_expired_card_does_not_show_a_due_date_from_before_the_lapse(app, client, learner):
    complete_course(app, learner.id, date(2026, 1, 31))  # valid until 2027-01-31
    with app.app_context():  # assigned again in the refresher window, never renewed
        version = latest_version_by_slug("mini")
        session.add(
            Assignment(
                person_id=learner.id,
                course_id=version.course_id,
                reason="annual",
                assigned_on=date(2026, 12, 5),
                due_on=date(2027, 1, 15),
            )
        )
        session.flush()
        status_facts.refresh(version.course_id, [learner.id])  # written past the services
        session.commit()
    app.config["LMS_TODAY"] = "2027-01-10"
    login(client, "cert@example.com")
    assert "Due 2027-01-15" not in client.get("/").get_data(as_text=True)  # refresher: its own date
    app.config["LMS_TODAY"] = "2027-02-10"
    login(client, "cert@example.com")
    home = client.get("/").get_data(as_text=True)
    assert "Expired" in home and "has expired" in home
    assert "2027-01-15" not in home
    assert "2027-01-15" not in client.get("/courses/mini/").get_data(as_text=True)
