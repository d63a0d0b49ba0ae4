"""Every role's pages render in each of the five languages, in that language."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import login

LANGUAGES = ("en", "es", "fi", "pl", "fr")
LEARNER_PAGES = (
    "/",
    "/courses/mini/",
    "/courses/mini/modules/basics",
    "/courses/mini/policy",
    "/courses/mini/assessment",
    "/courses/mini/versions/",
    "/certificates/",
    "/verify",
)
ADMIN_PAGES = (
    "/reports/org",
    "/reports/team",
    "/reports/assign",
    "/reports/digest",
    "/admin/audit",
    "/candidates/",
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_role_reads_its_pages_in_each_language(app, synced, make_person, language):
    learner = make_person("lea@example.com")
    admin = make_person("ada@example.com", role="admin")
    with app.app_context():
        session.execute(
            update(Person).where(Person.id.in_([learner.id, admin.id])).values(locale=language)
        )
        session.commit()
    for email, pages in (("lea@example.com", LEARNER_PAGES), ("ada@example.com", ADMIN_PAGES)):
        client = app.test_client()
        login(client, email)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (language, url, response.status_code)
            html = response.get_data(as_text=True)
            assert f'<html lang="{language}"' in html, (language, url)
            if language != "en":  # the page's own words come from the catalogue
                assert ">My training<" not in html and ">Sign out<" not in html, (language, url)
