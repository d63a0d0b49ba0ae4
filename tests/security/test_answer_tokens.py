"""The answer key is not in the page: values are per-attempt tokens, never choice ids."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.db import session
from lms.quizzes.models import Attempt
from tests.conftest import csrf_from, login

VALUE = re.compile(r'<(?:input|option)[^>]*value="([^"]*)"')


def _values(html: str) -> set[str]:
    """Every answer value of the check form (inputs and options), without the hidden ones."""
    form = html.split('id="check"', 1)[-1]
    return {
        v
        for v in VALUE.findall(form)
        if v and not re.search(rf'name="(csrf_token|step|node)" [^>]*value="{re.escape(v)}"', form)
    }


def _learner_page(app, email: str, module: str) -> str:
    client = app.test_client()
    login(client, email)
    return client.get(f"/courses/mini/modules/{module}").get_data(as_text=True)


def test_two_people_get_unrelated_non_positional_values(app, synced, make_person):
    make_person("ana@example.com")
    make_person("ben@example.com")
    for module in ("basics", "voice"):
        ana, ben = (
            _learner_page(app, "ana@example.com", module),
            _learner_page(app, "ben@example.com", module),
        )
        ana_values, ben_values = _values(ana) - {csrf_from(ana)}, _values(ben) - {csrf_from(ben)}
        assert ana_values and ben_values
        assert not ana_values & ben_values  # nothing shared between two attempts
        for value in ana_values | ben_values:
            assert re.fullmatch(r"a[a-z2-7]{16}", value), value  # opaque, never c1/true/a text
        assert (
            'value="true"' not in ana and 'value="c1"' not in ana and 'value="Report it"' not in ana
        )


def test_a_reload_shows_the_same_values(app, synced, make_person):
    make_person("ana@example.com")
    client = app.test_client()
    login(client, "ana@example.com")
    first = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    second = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    assert _values(first) - {csrf_from(first)} == _values(second) - {csrf_from(second)}


def test_a_value_from_another_attempt_is_refused_and_records_nothing(app, synced, make_person):
    ana = make_person("ana@example.com")
    make_person("ben@example.com")
    ben_values = _values(_learner_page(app, "ben@example.com", "basics"))
    client = app.test_client()
    login(client, "ana@example.com")
    page = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    with app.app_context():
        ana_attempt = session.scalar(
            select(Attempt).where(Attempt.person_id == ana.id, Attempt.module_key == "basics")
        )
    stolen = sorted(ben_values)[0]
    response = client.post(
        f"/courses/mini/modules/basics/check/{ana_attempt.id}",
        data={"csrf_token": csrf_from(page), "q-basics-1": stolen, "q-basics-2": stolen},
    )
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "did not belong to this page" in followed
    with app.app_context():
        assert session.get(Attempt, ana_attempt.id).submitted_at is None
