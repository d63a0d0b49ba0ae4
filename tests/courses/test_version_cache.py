"""Course versions are cached per app process (issue 13): never stale, never shared wrongly.

Learner pages read which version is the newest (with the person's "ever assigned") in one
statement and take the version rows from ``lms.courses.versions``. A version synced while
the app runs is a new row, so the next page shows it; two apps keep their own entries; an
entry that does not match the content hash the page read is loaded again.
"""

from __future__ import annotations

import re

import pytest

from lms.courses import versions
from lms.courses.services import latest_version_by_slug
from lms.db import session
from tests.conftest import FIXTURE_COURSES, app_config, login
from tests.helpers import count_queries, edited_courses

SLUG = "mini"


@pytest.fixture
def learner(app, synced, make_person, client):
    make_person("learner@example.com")
    login(client, "learner@example.com")
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _statements(app, client, url: str) -> list[str]:
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    _page(client, url)  # first visits write progress rows and draw checks
    _page(client, url)
    with count_queries(engine) as seen:
        _page(client, url)
    return seen


def test_a_version_synced_while_the_app_runs_is_shown_at_once(app, learner, tmp_path):
    assert "Mini policy course" in _page(learner, f"/courses/{SLUG}/")
    assert "Mini policy course" in _page(learner, "/")
    root = edited_courses(
        tmp_path,
        {
            "mini/course.yaml": [("title: Mini policy course", "title: Mini course, edited")],
            "mini/modules/basics.md": [("## Why\n", "## Why\n\nA new first line.\n")],
        },
    )
    from lms.courses.sync import sync_courses

    with app.app_context():
        outcomes, problems = sync_courses(root)
        assert not problems and outcomes[0].created and outcomes[0].version == 2
    for url in (f"/courses/{SLUG}/", "/"):
        html = _page(learner, url)
        assert "Mini course, edited" in html and "Mini policy course" not in html
    assert "A new first line." in _page(learner, f"/courses/{SLUG}/modules/basics")


def test_the_cache_is_per_app(app, learner, database):
    _page(learner, f"/courses/{SLUG}/")
    with app.app_context():
        version_id = latest_version_by_slug(SLUG).id
        mine = versions.cached_version(version_id)
        assert app.extensions["lms"].extra[versions._CACHE_KEY][version_id] is mine
    other = _other_app(database)
    try:
        assert versions._CACHE_KEY not in other.extensions["lms"].extra  # nothing shared
        with other.app_context():
            theirs = versions.cached_version(version_id)
        assert theirs is not mine and theirs.content_hash == mine.content_hash
        with app.app_context():
            assert versions.cached_version(version_id) is mine  # still its own entry
    finally:
        with other.app_context():
            other.extensions["sqlalchemy"].engine.dispose()


def _other_app(database, **config):
    from app import create_app

    return create_app(app_config(database.url, **config))


def test_an_entry_that_does_not_match_the_content_hash_is_loaded_again(app, learner):
    """As when another database behind the same app reused the id for other content."""
    with app.app_context():
        version_id = latest_version_by_slug(SLUG).id
        cached = versions.cached_version(version_id)
        cached_title, real_hash = cached.title, cached.content_hash
        cached.content_hash = "from another database"
        cached.title = "A stale title"
    try:
        html = _page(learner, f"/courses/{SLUG}/")
        assert cached_title in html and "A stale title" not in html
        with app.app_context():
            assert versions.cached_version(version_id).content_hash == real_hash
    finally:
        cached.content_hash, cached.title = real_hash, cached_title


def test_cached_versions_are_detached_and_survive_commits(app, learner):
    _page(learner, f"/courses/{SLUG}/modules/basics")  # a first visit commits progress
    with app.app_context():
        version_id = latest_version_by_slug(SLUG).id
        cached = versions.cached_version(version_id)
        assert cached not in session and cached.course not in session
        session.commit()
        assert cached.slug == SLUG and cached.title == "Mini policy course"  # no reload


def test_a_version_without_estimates_is_not_cached(app, learner):
    """Versions stored before estimates existed get them on the next sync: seen at once."""
    with app.app_context():
        version = latest_version_by_slug(SLUG)
        version.estimates = None
        session.commit()
        version_id = version.id
        assert versions.cached_version(version_id).estimates is None
        assert version_id not in app.extensions["lms"].extra.get(versions._CACHE_KEY, {})


#: Warm statements of each learner page on the fixture course: tighter than the budget of
#: five (tests/courses/test_statement_budget.py), so that a statement creeping back shows.
WARM_STATEMENTS = {
    "/": 4,  # sign-in, newest versions with periods and assignments, activity, open reviews
    f"/courses/{SLUG}/": 3,  # sign-in, newest version with periods and assignment, activity
    f"/courses/{SLUG}/assessment": 4,  # the course page's three, the attempts' history
    f"/courses/{SLUG}/modules/basics": 3,  # sign-in, newest version, read mark + open check
}


@pytest.mark.parametrize("url", list(WARM_STATEMENTS))
def test_warm_learner_pages_run_a_known_number_of_statements(app, learner, url):
    seen = _statements(app, learner, url)
    assert len(seen) <= WARM_STATEMENTS[url], "\n\n".join(
        re.sub(r"\s+", " ", s)[:200] for s in seen
    )
    assert not any("lms_course_version.title" in s and "JOIN" not in s for s in seen)


def test_a_candidate_runs_no_assignments_query_of_their_own(app, synced, make_person, client):
    """The newest-version statement says whether the person was ever assigned the course."""
    make_person("cand@example.com", role="candidate")
    login(client, "cand@example.com")
    assert client.get(f"/courses/{SLUG}/").status_code == 404  # not assigned
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    with count_queries(engine) as seen:
        assert client.get("/").status_code == 200
    assert not any(s.lstrip().startswith("SELECT lms_assignment.course_id") for s in seen)
    assert len(seen) <= WARM_STATEMENTS["/"]


def test_fixture_courses_are_where_the_tests_expect(app):
    assert (FIXTURE_COURSES / SLUG / "course.yaml").is_file()


def test_a_scenario_step_reads_only_the_run(app, learner):
    """The run's version and scenario come from the caches: sign-in and the run only."""
    from tests.conftest import csrf_from

    page = _page(learner, f"/courses/{SLUG}/scenarios/complaint")
    started = learner.post(
        f"/courses/{SLUG}/scenarios/complaint/start", data={"csrf_token": csrf_from(page)}
    )
    assert started.status_code == 302
    seen = _statements(app, learner, started.headers["Location"])
    assert len(seen) <= 2, "\n\n".join(re.sub(r"\s+", " ", s)[:200] for s in seen)


def test_an_attempts_page_view_is_made_once_per_app(app, learner, database):
    """Drawn questions never change: their tokens are made once per attempt, per app."""
    from lms.courses.structure import modules_of
    from lms.quizzes import services as quizzes

    _page(learner, f"/courses/{SLUG}/modules/basics")
    with app.app_context():
        from lms.accounts.models import Person

        person_id = session.query(Person.id).filter_by(email="learner@example.com").scalar()
        version = latest_version_by_slug(SLUG)
        attempt = quizzes.check_for(person_id, version, modules_of(version)[0])
        first = quizzes.questions_for_page(attempt)
        assert quizzes.questions_for_page(attempt) is first
        tokens = [c["token"] for q in first for c in q.get("choices", [])]
        assert tokens and f'value="{tokens[0]}"' in _page(
            learner, f"/courses/{SLUG}/modules/basics"
        )
        attempt_id = attempt.id
    other = _other_app(database, SECRET_KEY="another-secret")
    try:
        with other.app_context():
            again = session.get(quizzes.Attempt, attempt_id)
            theirs = quizzes.questions_for_page(again)
        assert theirs is not first
        assert [c["token"] for q in theirs for c in q.get("choices", [])] != tokens
    finally:
        with other.app_context():
            other.extensions["sqlalchemy"].engine.dispose()
