"""Which language the LMS speaks: saved choice, then the browser, then the default; and
e-mails and certificates in their recipient's language."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from lms.accounts.models import Person
from lms.db import session
from lms.i18n import _best_for_header
from tests.conftest import login, post_form
from tests.i18n.conftest import PSEUDO


def test_the_browser_language_is_used_when_nothing_was_chosen(client, pseudo_catalogue):
    page = client.get("/login", headers={"Accept-Language": f"{PSEUDO}, en;q=0.5"}).get_data(
        as_text=True
    )
    assert f'<html lang="{PSEUDO}">' in page and "⟦Sign in⟧" in page
    english = client.get("/login", headers={"Accept-Language": "de, en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in english and "⟦" not in english


def test_a_saved_choice_beats_the_browser_and_follows_the_person(
    app, client, make_person, pseudo_catalogue
):
    mia = make_person("mia@example.com")
    login(client, "mia@example.com")
    response = post_form(
        client, "/language", {"locale": PSEUDO, "next": "/certificates/"}, page="/"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/certificates/"
    with app.app_context():
        assert session.get(Person, mia.id).locale == PSEUDO
    other_device = app.test_client()
    login(other_device, "mia@example.com")
    page = other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "⟦My training⟧" in page


def test_an_unknown_language_is_refused(client, make_person):
    make_person("mia@example.com")
    login(client, "mia@example.com")
    assert post_form(client, "/language", {"locale": "xx"}, page="/").status_code == 400


def test_the_switcher_is_in_every_page_and_works_without_javascript(
    client, make_person, pseudo_catalogue
):
    make_person("mia@example.com")
    login(client, "mia@example.com")
    page = client.get("/").get_data(as_text=True)
    assert 'action="/language"' in page and f'<option value="{PSEUDO}"' in page
    assert '<label for="lms-locale">' in page


def test_an_email_is_written_in_its_recipients_language(app, make_person, pseudo_catalogue):
    from lms.outbox.mail import recipient_of, render_mail

    make_person("mia@example.com")
    with app.app_context():
        mia = session.scalar(select(Person).where(Person.email == "mia@example.com"))
        mia.locale = PSEUDO
        session.commit()
        message = render_mail(
            "password_reset", recipient_of(mia), {"url": "http://x/y", "minutes": 60}
        )
        english = render_mail(
            "password_reset",
            recipient_of("someone@example.com"),
            {"url": "http://x/y", "minutes": 60},
        )
    assert message.subject.startswith("⟦") and "⟦" not in english.subject


def test_a_certificate_is_printed_in_its_holders_language(
    app, client, synced, make_person, pseudo_catalogue
):
    from datetime import date

    from lms.certification.models import CertificationPeriod
    from tests.certification.test_certification_flow import complete_course

    lea = make_person("lea@example.com")
    complete_course(app, lea.id, date(2026, 1, 31))
    with app.app_context():
        session.get(Person, lea.id).locale = PSEUDO
        session.commit()
        code = session.scalar(select(CertificationPeriod.code))
    login(client, "lea@example.com")
    pdf = client.get(f"/certificates/{code}.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "⟦Certificate of completion⟧" in text and "⟦Valid until⟧" in text


def test_the_browser_language_is_matched_by_language_and_by_region():
    """Accept-Language values (each matched once and remembered) among the catalogues."""
    have = ("en", "fi", "fr", "pl")
    assert _best_for_header("fi-FI,fi;q=0.9,en;q=0.8", have) == "fi"
    assert _best_for_header("de-DE,de;q=0.9", have) is None
    assert _best_for_header("de;q=0.9, pl;q=0.5, fr;q=0.7", have) == "fr"
    assert _best_for_header("pl-PL", have) == "pl"
    assert _best_for_header("", have) is None
    assert _best_for_header("fi", ("en",)) is None  # the same header, other catalogues
