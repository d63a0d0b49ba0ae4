"""Every message a refused form shows is in the reader's language: the LMS's own (from
services: who an assignment reaches) and WTForms' built-in ones (a date that does not
parse, a choice that is not offered), and a refused address (control characters)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Person
from lms.db import session
from tests.reports.conftest import client_for
from tests.reports.test_assign import department_form

IN_FINNISH = {
    "no person": "Valitse vähintään yksi henkilö.",
    "no department": "Valitse osasto.",
    "bad date": "Päivämäärä ei kelpaa. Kirjoita se muodossa YYYY-MM-DD",
    "far date": "Määräpäivä on yli 2 vuoden päässä: valitse 22.11.2028 tai aiempi päivä.",
    "past date": "Määräpäivä on menneisyydessä",
    "control": "Osoitteen parametri &#39;q&#39; sisältää ohjausmerkin.",
}


@pytest.fixture
def finnish_admin(app, org):
    with app.app_context():
        session.scalar(select(Person).where(Person.email == "admin@example.com")).locale = "fi"
        session.commit()
    return client_for(app, "admin@example.com")


@pytest.mark.parametrize(
    ("case", "extra"),
    [
        ("no person", {"target": "person"}),
        ("no department", {"department": ""}),
        ("bad date", {"due_on": "31/01/2027"}),
        ("far date", {"due_on": "9999-12-31"}),
        ("past date", {"due_on": "2020-01-01"}),
    ],
)
def test_a_refused_assignment_says_why_in_finnish(finnish_admin, case, extra):
    response = finnish_admin.post("/reports/assign", data=department_form(finnish_admin, **extra))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and IN_FINNISH[case] in page
    assert "This field is required" not in page
    assert "Muoto: YYYY-MM-DD (vuosi, kuukausi, päivä)." in page  # the date field's hint


def test_a_refused_address_says_why_in_finnish(finnish_admin):
    response = finnish_admin.get("/reports/team?q=%01")
    assert response.status_code == 400
    assert IN_FINNISH["control"] in response.get_data(as_text=True)


def test_the_assignment_breakdown_is_in_finnish(finnish_admin):
    page = finnish_admin.post("/reports/assign", data=department_form(finnish_admin)).get_data(
        as_text=True
    )
    for words in (
        "Uusi osoitus",
        "Jo osoitettu (oma määräpäivä säilyy)",
        "Jo sertifioitu (ohitetaan)",
    ):
        assert words in page
    assert "Already certified" not in page
