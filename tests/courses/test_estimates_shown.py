"""Estimated minutes, stored at sync and shown to the learner."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.courses.models import CourseVersion
from lms.db import session
from tests.conftest import login
from tests.courses.test_learner_path import pass_module


@pytest.fixture
def learner(app, client, synced, make_person):
    person = make_person("lea@example.com")
    login(client, "lea@example.com")
    return person


def minutes(html: str) -> int:
    return int(re.search(r"About (\d+) minutes? left", html).group(1))


def test_sync_stores_minutes_per_module_assessment_and_scenario(app, synced):
    with app.app_context():
        estimates = session.scalar(select(CourseVersion.estimates))
    assert set(estimates["modules"]) == {"basics", "voice"}
    assert estimates["assessment"] > 0 and set(estimates["scenarios"]) == {"complaint"}


def test_the_minutes_left_shrink_as_the_learner_goes(app, client, learner):
    course = client.get("/courses/mini/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    before = minutes(course)
    assert minutes(home) == before > 0
    assert re.search(r'basics">The basics</a>\s*<span class="meta">\d+ min</span>', course)
    pass_module(app, client, learner, "basics")
    after = client.get("/courses/mini/").get_data(as_text=True)
    assert minutes(after) < before
    assert not re.search(r'basics">The basics</a>\s*<span class="meta">', after)  # done: no minutes


def test_an_unchanged_resync_fills_estimates_of_older_versions(app, synced, runner):
    from tests.conftest import FIXTURE_COURSES

    with app.app_context():
        version = session.scalar(select(CourseVersion))
        version.estimates = None  # as stored before migration 0013
        session.commit()
    runner.invoke(args=["lms", "sync-courses", str(FIXTURE_COURSES)])
    with app.app_context():
        assert session.scalar(select(CourseVersion.estimates))["modules"]
