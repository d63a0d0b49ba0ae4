"""A small organisation, a token and a client that sends it, for the API tests.

Today is pinned to 2027-10-01. The organisation (every status the filters need):

    mia (manager, Support)         not assigned
      leo (manager, Support)       not assigned
        sam (employee, Support)    assigned, due 2027-09-01 -> overdue
      tia (employee, Support)      certified 2026-12-15 .. 2027-12-15 -> certified
    fin (employee, Finance)        assigned, due 2027-10-20 -> assigned (due within 30 days)
    old (employee, Finance)        certified 2026-09-01 .. 2027-09-01 -> expired
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.databases import prepared

TODAY = date(2027, 10, 1)
API = "/api/v1"


class ApiClient:
    """The test client with ``Authorization: Bearer <token>`` on every request."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def open(self, method: str, path: str, **kwargs):
        return self.client.open(API + path, method=method, headers=self._headers(kwargs), **kwargs)

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.open("PATCH", path, **kwargs)


@pytest.fixture
def today(app):
    app.config["LMS_TODAY"] = TODAY.isoformat()
    return TODAY


@pytest.fixture
def token(app):
    """A live token's plaintext."""
    from lms.api.auth import create_token

    def create():
        with app.app_context():
            return create_token("HR system")[1]

    return prepared(app, "API token", create)


@pytest.fixture
def api(client, token, today):
    return ApiClient(client, token)


def add_period(
    app,
    person_id: int,
    certified_on: date,
    valid_until: date,
    window_opens_on: date,
    *,
    revoked_on: date | None = None,
    code: str | None = None,
) -> int:
    from lms.certification import status_facts
    from lms.certification.models import CertificationPeriod
    from lms.certification.services import new_code
    from lms.courses.models import Course, CourseVersion
    from lms.db import session

    with app.app_context():
        course = session.scalar(select(Course).where(Course.slug == "mini"))
        version = session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))
        sequence = (
            len(
                session.scalars(
                    select(CertificationPeriod.id).where(CertificationPeriod.person_id == person_id)
                ).all()
            )
            + 1
        )
        period = CertificationPeriod(
            person_id=person_id,
            course_id=course.id,
            version_id=version.id,
            sequence=sequence,
            kind="initial" if sequence == 1 else "renewal",
            certified_on=certified_on,
            valid_until=valid_until,
            window_opens_on=window_opens_on,
            code=code or new_code(),
            details={},
            revoked_on=revoked_on,
        )
        session.add(period)
        session.flush()
        status_facts.refresh(course.id, [person_id])  # written past the services
        session.commit()
        return period.id


def assign(app, person_ids: list[int], due_on: date | None) -> None:
    from lms.certification.services import assign as assign_course
    from lms.courses.models import Course
    from lms.db import session

    with app.app_context():
        course_id = session.scalar(select(Course.id).where(Course.slug == "mini"))
        assign_course(
            course_id, person_ids, reason="manual", due_on=due_on, by=None, today=date(2027, 8, 1)
        )


@pytest.fixture
def org(app, synced, make_person, today):
    return prepared(app, "API organisation", lambda: _organisation(app, make_person))


def _organisation(app, make_person) -> SimpleNamespace:
    mia = make_person("mia@example.com", role="manager", department="Support", password=None)
    leo = make_person(
        "leo@example.com", role="manager", department="Support", manager_id=mia.id, password=None
    )
    sam = make_person("sam@example.com", department="Support", manager_id=leo.id, password=None)
    tia = make_person("tia@example.com", department="Support", manager_id=mia.id, password=None)
    fin = make_person("fin@example.com", department="Finance", password=None)
    old = make_person("old@example.com", department="Finance", password=None)
    assign(app, [sam.id], date(2027, 9, 1))
    assign(app, [fin.id], date(2027, 10, 20))
    tia_period = add_period(app, tia.id, date(2026, 12, 15), date(2027, 12, 15), date(2027, 10, 16))
    old_period = add_period(app, old.id, date(2026, 9, 1), date(2027, 9, 1), date(2027, 7, 3))
    return SimpleNamespace(
        mia=mia,
        leo=leo,
        sam=sam,
        tia=tia,
        fin=fin,
        old=old,
        tia_period=tia_period,
        old_period=old_period,
    )
