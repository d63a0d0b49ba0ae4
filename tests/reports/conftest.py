"""The demo organisation (on the mini course, on a fixed day) for the report tests."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import load_demo, login

TODAY = date(2026, 11, 22)


@pytest.fixture
def org(app, runner, synced):
    """The demo organisation with its demo history (on the mini course): email -> id."""
    app.config["LMS_TODAY"] = TODAY.isoformat()
    app.config["LMS_DEMO_COURSE"] = "mini"
    load_demo(app, runner)
    with app.app_context():
        ids = {p.email: p.id for p in session.scalars(select(Person))}
    return ids


def client_for(app, email):
    c = app.test_client()
    assert login(c, email, "training-demo").status_code == 302
    return c


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
