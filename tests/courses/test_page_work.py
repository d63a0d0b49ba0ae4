"""Learner pages do their per-request work once (issue 13): links built once per process,
the CSRF token signed once per request; and the shortcuts change no URL a page shows."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from flask import g
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import MapAdapter

from tests.conftest import login, sync_courses_once

COURSES = Path(__file__).resolve().parents[2] / "courses"
SLUG = "social-media-policy"
COURSE = f"/courses/{SLUG}/"
MODULE = f"/courses/{SLUG}/modules/why-a-policy"


@pytest.fixture
def learner(app, make_person, client):
    sync_courses_once(app, COURSES)
    make_person("learner@example.com")
    login(client, "learner@example.com")
    return client


def _counting(target, name):
    calls = []
    real = getattr(target, name)

    def counted(self, *args, **kwargs):
        calls.append(args[:1])
        return real(self, *args, **kwargs)

    return calls, mock.patch.object(target, name, counted)


def _tokens_blanked(html: str) -> str:
    """The page with its CSRF tokens blanked: each carries the second it was signed in."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)


def test_a_warm_course_page_builds_no_url_again(learner):
    first = learner.get(COURSE).get_data(as_text=True)
    builds, patch = _counting(MapAdapter, "build")
    with patch:
        again = learner.get(COURSE).get_data(as_text=True)
    assert builds == []
    # the same links (the page's state did not change)
    assert _tokens_blanked(again) == _tokens_blanked(first)
    assert 'name="csrf_token" value=""' in _tokens_blanked(again)
    assert f'href="/courses/{SLUG}/modules/why-a-policy"' in again


def test_cached_links_are_flasks_links(app, learner):
    from lms.web import url_cache

    learner.get(COURSE)
    with app.test_request_context("/"):
        cases = [
            ("lms.courses.module", {"slug": SLUG, "key": "why-a-policy"}),
            ("lms.courses.module", {"slug": SLUG, "key": "why a/policy?"}),  # quoted
            ("lms.courses.course", {"slug": SLUG, "tab": "x y"}),  # unknown: query string
            ("lms.quizzes.result", {"attempt_id": 7}),
            ("lms.static", {"filename": "lms.css"}),
        ]
        for endpoint, values in cases:
            assert url_cache.url_for(endpoint, **values) == app.url_for(endpoint, **values)
            assert url_cache.url_for(endpoint, **values) == app.url_for(endpoint, **values)
        # Not plain values, or Flask's own options: never from the table.
        assert url_cache.url_for("lms.quizzes.result", attempt_id=True) == app.url_for(
            "lms.quizzes.result", attempt_id=True
        )
        assert url_cache.url_for(COURSE_ENDPOINT, slug=SLUG, _anchor="a b") == app.url_for(
            COURSE_ENDPOINT, slug=SLUG, _anchor="a b"
        )
        assert url_cache.url_for(COURSE_ENDPOINT, slug=SLUG, _external=True) == app.url_for(
            COURSE_ENDPOINT, slug=SLUG, _external=True
        )
    # Another script root (an app mounted under a path) is another entry.
    with app.test_request_context("/", base_url="http://localhost/portal/"):
        assert url_cache.url_for(COURSE_ENDPOINT, slug=SLUG) == f"/portal/courses/{SLUG}/"


COURSE_ENDPOINT = "lms.courses.course"


def test_url_defaults_of_the_app_are_asked_every_time(app, make_person, client):
    """A ``url_defaults`` function may add a different value on every call: such URLs are
    never kept."""

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == COURSE_ENDPOINT:
            values.setdefault("v", g.get("v", 0))

    sync_courses_once(app, COURSES)
    make_person("learner@example.com")
    login(client, "learner@example.com")
    from lms.web import url_cache

    with app.test_request_context("/"):
        g.v = 1
        assert url_cache.url_for(COURSE_ENDPOINT, slug=SLUG).endswith("?v=1")
        g.v = 2
        assert url_cache.url_for(COURSE_ENDPOINT, slug=SLUG).endswith("?v=2")


def test_an_app_url_for_of_its_own_is_kept_in_lms_pages(app, make_person, client):
    """A host (or app) that put its own ``url_for`` in the Jinja globals keeps it."""
    real = app.jinja_env.globals["url_for"]
    app.jinja_env.globals["url_for"] = lambda endpoint, **values: real(endpoint, **values) + "#own"
    sync_courses_once(app, COURSES)
    make_person("learner@example.com")
    login(client, "learner@example.com")
    page = client.get(COURSE).get_data(as_text=True)
    assert f'href="/courses/{SLUG}/modules/why-a-policy#own"' in page


@pytest.mark.parametrize("url", ["/", COURSE, MODULE])
def test_the_csrf_token_is_signed_once_per_page(learner, url):
    """The layout's sign-out form, the language form and the page's own forms share one
    signed token (Flask-WTF keeps it for the request)."""
    learner.get(url)
    signs, patch = _counting(URLSafeTimedSerializer, "dumps")
    with patch:
        page = learner.get(url).get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 1
    assert len(signs) == 1


def test_the_module_page_reads_only_what_it_shows_of_the_open_check(app, learner):
    """The open check comes as the few columns the page needs (no ORM row with its
    answers and results), and posting it still grades that attempt."""
    from tests.courses.test_statement_budget import statements

    seen = statements(app, learner, MODULE)
    visit = [s for s in seen if "lms_module_progress" in s and "lms_attempt" in s]
    assert len(visit) == 1, seen
    assert "lms_attempt.answers" not in visit[0] and "lms_attempt.results" not in visit[0]
    page = learner.get(MODULE).get_data(as_text=True)
    assert f'action="/courses/{SLUG}/modules/why-a-policy/check/' in page
