"""A page's form works for ``LMS_CSRF_TIME_LIMIT`` (12 hours), not Flask-WTF's one hour: a
learner who reads a module for two hours still sends their answers."""

from __future__ import annotations

import time

import itsdangerous
import pytest
from sqlalchemy import select

from lms.db import session
from lms.quizzes.models import Attempt
from tests.conftest import PASSWORD, csrf_from, login


def _token_made_hours_ago(app, client, hours: float) -> str:
    """The CSRF token a page shown ``hours`` ago carried (Flask-WTF's own format: the
    session's secret, signed with the time it was made)."""
    made = int(time.time() - hours * 3600)

    class Then(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return made

    with client.session_transaction() as state:
        raw = state["csrf_token"]
    signer = itsdangerous.URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=Then)
    return signer.dumps(raw)


@pytest.mark.parametrize(("hours", "sent"), [(2, True), (11.5, True), (12.5, False)])
def test_a_knowledge_check_read_for_hours_is_still_sent(
    app, client, synced, make_person, hours, sent
):
    ana = make_person("ana@example.com")
    login(client, "ana@example.com")
    url = "/courses/mini/modules/basics"
    assert csrf_from(client.get(url).get_data(as_text=True))  # the check is drawn
    with app.app_context():
        attempt = session.scalar(select(Attempt).where(Attempt.person_id == ana.id))
    response = client.post(
        f"{url}/check/{attempt.id}", data={"csrf_token": _token_made_hours_ago(app, client, hours)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert (session.get(Attempt, attempt.id).submitted_at is not None) is sent


@pytest.mark.parametrize(("hours", "signed_in"), [(2, True), (12.5, False)])
def test_an_lms_form_shown_hours_ago_still_works(app, client, make_person, hours, signed_in):
    """The same for the LMS's WTForms forms (``LMSForm``): here the sign-in form."""
    make_person("ana@example.com")
    client.get("/login")  # the session's CSRF secret
    response = client.post(
        "/login",
        data={
            "csrf_token": _token_made_hours_ago(app, client, hours),
            "email": "ana@example.com",
            "password": PASSWORD,
        },
    )
    assert (response.status_code == 302) is signed_in, response.status_code
