"""Parts of pages rendered once and reused (``lms.web.fragments``, issue 13): each viewer
still sees their own states, words, links and attempt; nothing is kept where it could
differ."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from flask import g

from lms.web import fragments
from lms.web.templating import _environment
from tests.conftest import login
from tests.courses import test_learner_path
from tests.courses.test_learner_path import open_attempt, pass_module

learner = test_learner_path.learner  # the signed-in learner of the mini course (a fixture)

COURSE = "/courses/mini/"


def _module_states(html: str) -> dict[str, str]:
    """``{module title: its status}`` from the course page's module list."""
    listing = html[html.index('aria-labelledby="modules-heading"') :]
    listing = listing[: listing.index("</ol>")]
    return {
        title: status
        for title, status in re.findall(
            r'<a href="[^"]+">([^<]+)</a>.*?<span class="status [^"]+">([^<]+)</span>',
            listing,
            re.S,
        )
    }


def test_each_learner_sees_their_own_module_states(app, client, learner, make_person):
    other = app.test_client()
    make_person("oli@example.com")
    login(other, "oli@example.com")
    before = _module_states(client.get(COURSE).get_data(as_text=True))
    assert before and set(before.values()) == {"Not started"}
    first_key = "basics"
    pass_module(app, client, learner, first_key)

    mine = client.get(COURSE).get_data(as_text=True)
    theirs = other.get(COURSE).get_data(as_text=True)
    assert "Complete" in _module_states(mine).values()
    assert set(_module_states(theirs).values()) == {"Not started"}
    assert _module_states(mine) != _module_states(theirs)
    # What is left lists one module fewer for the learner who passed one.
    left = re.search(r"(\d+) modules? to complete", mine)
    assert left and int(left.group(1)) == len(before) - 1
    assert re.search(rf"{len(before)} modules to complete", theirs)


def test_the_kept_list_is_in_each_viewers_language(app, client, learner):
    english = client.get(COURSE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    finnish = client.get(COURSE, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert set(_module_states(english).values()) == {"Not started"}
    assert set(_module_states(finnish).values()) == {"Ei aloitettu"}


def test_the_kept_list_links_under_each_requests_script_root(app, client, learner):
    client.get(COURSE)  # kept for the app at the root
    page = client.get(COURSE, base_url="http://localhost/portal/").get_data(as_text=True)
    links = re.findall(r'href="([^"]*/modules/[^"]*)"', page)
    assert links and all(link.startswith("/portal/courses/mini/modules/") for link in links)


def test_nothing_is_kept_when_url_defaults_may_change_the_links(app, client, synced, make_person):
    @app.url_defaults
    def add_tab(endpoint, values):
        if endpoint == "lms.courses.module":
            values.setdefault("tab", g.get("tab", "a"))

    make_person("lea@example.com")
    login(client, "lea@example.com")
    first = client.get(COURSE).get_data(as_text=True)
    assert "?tab=a" in first
    with app.test_request_context("/"):
        g.tab = "b"
        env = _environment(app)
        html = env.from_string(
            "{% call lms_fragment(1) %}{{ url_for('lms.courses.module', slug='s', key='k') }}"
            "{% endcall %}"
        ).render()
    assert html.endswith("?tab=b")


def test_a_fragment_is_rendered_once_per_key_block_and_locale(app):
    """Kept by its values, its call block and the page's locale."""
    calls: list[str] = []
    with app.test_request_context("/"):
        env = _environment(app)
        one = env.from_string(
            "{% call lms_fragment(v) %}{% if note(v) %}{% endif %}<b>{{ v }}</b>{% endcall %}"
        )
        other = env.from_string("{% call lms_fragment(v) %}<i>{{ v }}</i>{% endcall %}")
        note = calls.append
        assert one.render(v="x", note=note) == one.render(v="x", note=note) == "<b>x</b>"
        assert one.render(v="<y>", note=note) == "<b>&lt;y&gt;</b>"  # escaped once, kept so
        assert other.render(v="x") == "<i>x</i>"  # another block: another entry
        assert calls == ["x", "<y>"]
        assert one.render(v=["a", 1], note=note) == one.render(v=["a", 1], note=note)
        assert calls == ["x", "<y>", ["a", 1]]  # a list of plain values: keyed by its repr
    with app.test_request_context("/", headers={"Accept-Language": "fi"}):
        assert one.render(v="x", note=note) == "<b>x</b>"  # another locale: another entry
        assert calls[-1] == "x" and len(calls) == 4


def test_outside_a_request_a_fragment_is_rendered_every_time(app):
    calls: list[int] = []
    with app.app_context():
        env = _environment(app)
        template = env.from_string(
            "{% call lms_fragment(1) %}{% if note(1) %}{% endif %}x{% endcall %}"
        )
        assert template.render(note=calls.append) == template.render(note=calls.append) == "x"
    assert len(calls) == 2


def test_the_table_is_emptied_when_full(app, monkeypatch):
    monkeypatch.setattr(fragments, "LIMIT", 10)
    with app.test_request_context("/"):
        env = _environment(app)
        template = env.from_string("{% call lms_fragment(v) %}{{ v }}{% endcall %}")
        for v in ["aaaaaa", "bbbbbb", "cccccc"]:
            template.render(v=v)
        table = app.extensions["lms"].extra["fragments"]
        assert len(table) == 1 and app.extensions["lms"].extra["fragments.size"] == 6


def test_each_attempt_shows_its_own_answer_tokens(app, client, learner):
    """The check's fields are kept per attempt: a new attempt after a failed one has new
    tokens, and the page carries the new ones (posting them grades that attempt)."""
    first_id, _ = pass_module(app, client, learner, "basics", right=False)
    page = client.get("/courses/mini/modules/basics").get_data(as_text=True)
    second_id, questions = open_attempt(app, learner.id, "check", "basics")
    assert second_id and second_id != first_id
    assert f"/check/{second_id}" in page
    from lms.quizzes.tokens import answer_token

    with app.app_context():
        for q in questions:
            for c in q.get("choices", []):
                assert answer_token(second_id, q["id"], c["id"]) in page
                assert answer_token(first_id, q["id"], c["id"]) not in page


def test_a_kept_check_follows_a_new_secret_key(app, client, learner):
    """The answer tokens are signed with the secret key: after it changes (everyone signs
    in again), the kept fields carry tokens under the new key, and posting them grades."""
    from lms.quizzes.tokens import answer_token

    path = "/courses/mini/modules/basics"
    client.get(path)
    attempt_id, questions = open_attempt(app, learner.id, "check", "basics")
    with app.app_context():
        old = {answer_token(attempt_id, q["id"], c["id"]) for q in questions for c in q["choices"]}
    app.secret_key = "another secret key, rotated"
    assert client.get(path).status_code == 302  # the old session cookie no longer holds
    login(client, "lea@example.com")
    page = client.get(path).get_data(as_text=True)
    with app.app_context():
        new = {answer_token(attempt_id, q["id"], c["id"]) for q in questions for c in q["choices"]}
    assert new.isdisjoint(old)
    assert all(t in page for t in new) and not any(t in page for t in old)


@pytest.mark.parametrize("accept", ["en", "fi"])
def test_a_kept_check_is_in_the_pages_language(app, client, learner, accept):
    client.get("/courses/mini/modules/basics", headers={"Accept-Language": "en"})
    page = client.get("/courses/mini/modules/basics", headers={"Accept-Language": accept}).get_data(
        as_text=True
    )
    legend = "Question" if accept == "en" else "Kysymys"
    assert f'<span class="visually-hidden">{legend} </span>' in page


def test_the_navigation_is_each_roles_own(app, client, learner, make_person):
    manager = app.test_client()
    make_person("max@example.com", role="manager")
    login(manager, "max@example.com")
    for _ in range(2):  # the second time from the kept fragments
        mine = client.get("/").get_data(as_text=True)
        theirs = manager.get("/").get_data(as_text=True)
        assert 'href="/reports/team"' not in mine and "Team reports" not in mine
        assert "Team reports" in theirs and "Audit log" not in theirs


def test_each_learner_sees_their_own_home_card(app, client, learner, make_person):
    """The home's course card is kept by the version's texts, the cycle and the progress."""
    other = app.test_client()
    make_person("oli@example.com")
    login(other, "oli@example.com")
    assert "0 of 4 done" in client.get("/").get_data(as_text=True)
    pass_module(app, client, learner, "basics")
    for _ in range(2):  # the second time from the kept cards
        mine = client.get("/").get_data(as_text=True)
        theirs = other.get("/").get_data(as_text=True)
        assert "1 of 4 done" in mine and "Continue: Who speaks" in mine
        assert "0 of 4 done" in theirs and "Start: The basics" in theirs


def _certify(app, person_id: int, day: date) -> None:
    from lms.certification import services as certification
    from lms.courses.services import latest_version_by_slug

    with app.app_context():
        version = latest_version_by_slug("mini")
        cycle = certification.cycle_for(person_id, version, day)
        certification.issue_period(person_id, version, cycle, today=day)


def test_the_kept_course_page_follows_each_learners_cycle(app, client, learner, make_person):
    """Two learners with the same progress but different cycles: each sees their own."""
    other = app.test_client()
    oli = make_person("oli@example.com")
    login(other, "oli@example.com")
    assert "You are certified" not in client.get(COURSE).get_data(as_text=True)
    _certify(app, oli.id, date.today())
    for _ in range(2):
        mine = client.get(COURSE).get_data(as_text=True)
        theirs = other.get(COURSE).get_data(as_text=True)
        assert "You are certified" not in mine and "What is left to do" in mine
        assert "You are certified" in theirs and "What is left to do" not in theirs


@dataclass(frozen=True)
class _Shown:
    n: int


@dataclass(frozen=True)
class _Holding:
    items: list


def test_frozen_dataclasses_are_keys_by_value_and_unhashable_values_are_not_kept(app):
    calls: list = []
    with app.test_request_context("/"):
        template = _environment(app).from_string(
            "{% call lms_fragment(v) %}{% if note(v) %}{% endif %}{{ v.n }}{% endcall %}"
        )
        assert template.render(v=_Shown(1), note=calls.append) == "1"
        assert template.render(v=_Shown(1), note=calls.append) == "1"  # equal: kept
        assert template.render(v=_Shown(2), note=calls.append) == "2"
        assert calls == [_Shown(1), _Shown(2)]
        holding = _Holding([1])
        for _ in range(2):  # a frozen dataclass holding a list cannot be a key
            template.render(v=holding, note=calls.append)
        assert calls[2:] == [holding, holding]


def test_holes_are_filled_in_on_each_use_and_escaped(app):
    calls: list = []
    with app.test_request_context("/"):
        template = _environment(app).from_string(
            "{% call(hole) lms_fragment(1, holes=(a, b)) %}{% if note(1) %}{% endif %}"
            '<b>{{ hole(0) }}</b><input value="{{ hole(1) }}">{% endcall %}'
        )
        first = template.render(a="Zoë <Z>", b='t"1', note=calls.append)
        second = template.render(a="Oli", b="t2", note=calls.append)
    assert first == '<b>Zoë &lt;Z&gt;</b><input value="t&#34;1">'
    assert second == '<b>Oli</b><input value="t2">'
    assert calls == [1]  # rendered once, filled in twice


def test_the_header_and_the_switcher_are_each_pages_and_viewers_own(
    app, client, learner, make_person
):
    other = app.test_client()
    make_person("oli@example.com", name="Oli Oja")
    login(other, "oli@example.com")
    for _ in range(2):
        mine = client.get("/courses/mini/?tab=1").get_data(as_text=True)
        theirs = other.get("/").get_data(as_text=True)
        assert "Oli Oja" in theirs and "Oli Oja" not in mine
        assert 'name="next" value="/courses/mini/?tab=1"' in mine
        assert 'name="next" value="/"' in theirs
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', mine))
    assert len(tokens) == 1  # the sign-out form and the switcher carry this page's token
    assert client.post("/logout", data={"csrf_token": tokens.pop()}).status_code == 302
    assert client.get("/").status_code == 302  # signed out: the kept form's token was valid


def test_a_kept_check_follows_a_translation_added_while_it_is_open(app, client, learner):
    """Without a translation of its questions the kept fields are keyed by the attempt
    alone; once one is synced, the page shows it (and the source page stays as it was)."""
    from lms.courses.models import ItemTranslation
    from lms.db import session

    path = "/courses/mini/modules/basics"
    before = client.get(path, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    attempt_id, questions = open_attempt(app, learner.id, "check", "basics")
    assert "Käännetty kysymys" not in before
    with app.app_context():
        from lms.quizzes.models import Attempt

        version_id = session.get(Attempt, attempt_id).version_id
        session.add(
            ItemTranslation(
                version_id=version_id,
                language="fi",
                kind="question",
                key=questions[0]["id"],
                text={"prompt_html": "<p>Käännetty kysymys</p>"},
            )
        )
        session.commit()
    after = client.get(path, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert f"/check/{attempt_id}" in after
    assert "Käännetty kysymys" in after
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Käännetty kysymys" not in english
