"""A knowledge-check attempt belongs to one course's module: sent (or shown) under another
course that has a module of the same key, it is not found and nothing is recorded."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from lms.courses.models import Course
from lms.courses.sync import sync_courses
from lms.db import session
from lms.quizzes.models import Attempt
from tests.conftest import FIXTURE_COURSES, csrf_from, login


def _two_courses(app, tmp_path) -> None:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / "mini", root / "mini")
    shutil.copytree(FIXTURE_COURSES / "mini", root / "twin")  # the same module keys
    yaml = root / "twin" / "course.yaml"
    yaml.write_text(yaml.read_text().replace("id: mini", "id: twin", 1))
    with app.app_context():
        _, problems = sync_courses(root)
    assert not problems, [str(p) for p in problems]


def test_an_attempt_of_another_course_is_not_found_under_this_one(app, tmp_path, make_person):
    _two_courses(app, tmp_path)
    ana = make_person("ana@example.com")
    client = app.test_client()
    login(client, "ana@example.com")
    page = client.get("/courses/twin/modules/basics").get_data(as_text=True)
    with app.app_context():
        twin = session.scalar(select(Course.id).where(Course.slug == "twin"))
        attempt = session.scalar(
            select(Attempt).where(Attempt.person_id == ana.id, Attempt.course_id == twin)
        )
    response = client.post(
        f"/courses/mini/modules/basics/check/{attempt.id}",
        data={"csrf_token": csrf_from(page)},
    )
    assert response.status_code == 404
    with app.app_context():
        assert session.get(Attempt, attempt.id).submitted_at is None
    # Under its own course the same attempt is taken, and its result shown there only.
    response = client.post(
        f"/courses/twin/modules/basics/check/{attempt.id}",
        data={"csrf_token": csrf_from(page)},
    )
    assert response.status_code == 302
    own = client.get(f"/courses/twin/modules/basics?result={attempt.id}").get_data(as_text=True)
    other = client.get(f"/courses/mini/modules/basics?result={attempt.id}").get_data(as_text=True)
    assert "Not passed yet (" in own and "Not passed yet (" not in other
