"""Learner pages run at most five SQL statements each, on the real course (issue 13).

The budget counts every statement of the request: the sign-in check, the course, the
learner's progress and whatever the page itself needs. Course versions are immutable, so
their structure (modules, scenarios, sections, questions) is cached per process and costs
no statement once warm; only the learner's own rows are read per request.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import csrf_from, login, sync_courses_once
from tests.helpers import count_queries

COURSES = Path(__file__).resolve().parents[2] / "courses"
BUDGET = 5
SLUG = "social-media-policy"


@pytest.fixture
def learner(app, make_person, client):
    sync_courses_once(app, COURSES)
    make_person("learner@example.com")
    login(client, "learner@example.com")
    return client


def statements(app, client, url: str) -> list[str]:
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    client.get(url)  # warm-up: first visits write progress rows and draw checks
    client.get(url)
    with count_queries(engine) as seen:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return seen


def scenario_step(client) -> str:
    page = client.get(f"/courses/{SLUG}/scenarios/angry-customer").get_data(as_text=True)
    started = client.post(
        f"/courses/{SLUG}/scenarios/angry-customer/start", data={"csrf_token": csrf_from(page)}
    )
    return started.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/courses/{SLUG}/",
        f"/courses/{SLUG}/modules/why-a-policy",
        f"/courses/{SLUG}/assessment",
        "scenario",
    ],
)
def test_learner_pages_stay_within_the_statement_budget(app, learner, url):
    if url == "scenario":
        url = scenario_step(learner)
    seen = statements(app, learner, url)
    assert len(seen) <= BUDGET, "\n\n".join(re.sub(r"\s+", " ", s)[:300] for s in seen)


@pytest.mark.parametrize("url", ["/", f"/courses/{SLUG}/", f"/courses/{SLUG}/modules/why-a-policy"])
def test_learner_pages_read_no_course_bodies_once_warm(app, learner, url):
    """Module bodies, section texts and scenario graphs come from the structure cache."""
    for statement in statements(app, learner, url):
        assert "body_html" not in statement and "lms_scenario.data" not in statement, statement


def test_the_structure_cache_is_per_app_and_per_content(app, learner):
    from lms.courses import structure
    from lms.courses.services import latest_version_by_slug

    with app.app_context():
        version = latest_version_by_slug(SLUG)
        first = structure.structure(version)
        assert structure.structure(version) is first
        assert [m.key for m in first.modules][0] == "why-a-policy"
        version.content_hash = "something else"  # as another database reusing the id would
        assert structure.structure(version) is not first


def test_a_graded_knowledge_check_post_reads_the_course_and_attempt_in_one_statement(app, learner):
    """A failed check POST: the sign-in check, the course with the attempt, the UPDATE that
    records the result (COMMIT aside). A passed one also writes the module's progress,
    which tests/courses/test_learner_path.py follows; it is not counted here."""
    page = learner.get(f"/courses/{SLUG}/modules/why-a-policy").get_data(as_text=True)
    action = re.search(r'action="([^"]*/check/\d+)"', page).group(1)
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    with count_queries(engine) as seen:
        response = learner.post(action, data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.status_code
    shown = "\n\n".join(re.sub(r"\s+", " ", s)[:200] for s in seen)
    assert len(seen) == 3, shown
    assert seen[-1].lstrip().upper().startswith("UPDATE LMS_ATTEMPT"), shown
    # graded exactly once: posting the same form again records nothing more
    with count_queries(engine) as again:
        learner.post(action, data={"csrf_token": csrf_from(page)})
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in again), again


def test_the_assessment_page_lists_attempts_read_with_the_progress(app, learner):
    """The attempt history and the open attempt come from the progress statement: the
    page runs the same three statements with attempts as without."""
    from datetime import datetime

    from lms.accounts.models import Person
    from lms.courses.services import latest_version_by_slug
    from lms.db import session
    from lms.quizzes.models import Attempt

    url = f"/courses/{SLUG}/assessment"
    before = statements(app, learner, url)
    with app.app_context():
        version = latest_version_by_slug(SLUG)
        person = session.query(Person).filter_by(email="learner@example.com").one()
        common = dict(
            person_id=person.id,
            course_id=version.course_id,
            version_id=version.id,
            kind="final",
            module_key="",
            pass_mark=80,
            questions=[],
        )
        session.add(
            Attempt(
                **common,
                seed="a",
                started_at=datetime(2026, 1, 5, 9),
                submitted_at=datetime(2026, 1, 5, 9, 20),
                score=50.0,
                passed=False,
            )
        )
        session.commit()
        session.add(Attempt(**common, seed="b", started_at=datetime(2026, 1, 6, 9)))
        session.commit()
    after = statements(app, learner, url)
    assert len(after) == len(before) == 3, after
    page = learner.get(url).get_data(as_text=True)
    assert "Your attempts" in page and "Not passed" in page
    # The submitted attempt's row: its score cell (the history read with the progress).
    assert re.search(r"</time></a></td>\s*<td>50\s?%</td>", page), page
    assert "Resume your attempt" in page
