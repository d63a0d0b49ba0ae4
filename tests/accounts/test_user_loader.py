"""The user loader (``lms.accounts.sessions.load_person``): pages write nothing to the
signed-in person's row, a change made through the loaded person is saved, an object the
session already holds is the one returned, and a wrong token loads nobody."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import Person
from lms.accounts.sessions import load_person, sign_in
from lms.db import session
from tests.conftest import login, post_form
from tests.helpers import count_queries


def test_pages_write_nothing_to_the_signed_in_persons_row(app, client, make_person, synced):
    mia = make_person("mia@example.com")
    with app.app_context():
        before = session.scalar(select(Person.updated_at).where(Person.id == mia.id))
        engine = app.extensions["sqlalchemy"].engine
    login(client, "mia@example.com")
    with count_queries(engine) as seen:
        for url in ("/", "/courses/mini/", "/certificates/"):
            assert client.get(url).status_code == 200
    assert not [s for s in seen if s.lstrip().upper().startswith("UPDATE LMS_PERSON")]
    with app.app_context():
        assert session.scalar(select(Person.updated_at).where(Person.id == mia.id)) == before


def test_a_change_made_through_the_loaded_person_is_saved(app, client, make_person):
    mia = make_person("mia@example.com")
    login(client, "mia@example.com")
    # The language choice is written through the signed-in person object.
    assert post_form(client, "/language", {"locale": "fi"}, page="/").status_code == 302
    with app.app_context():
        assert session.get(Person, mia.id).locale == "fi"


def test_a_person_the_session_holds_already_is_the_one_returned(app, make_person):
    mia = make_person("mia@example.com")
    with app.test_request_context():
        person = session.get(Person, mia.id)
        sign_in(person)
        token = person.login_token
        session.expire_all()  # as a later request would find it: loaded, not fresh
        held = session.get(Person, mia.id)
        assert load_person(f"{mia.id}.{token}") is held
        assert load_person(f"{mia.id}.not-the-token") is None
    with app.test_request_context():
        loaded = load_person(f"{mia.id}.{token}")
        assert loaded.email == "mia@example.com" and loaded in session
        assert not session.dirty
