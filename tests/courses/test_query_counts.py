"""Key pages run a constant number of SQL statements, however many modules and attempts."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.sync import sync_courses
from tests.conftest import csrf_from, login
from tests.helpers import count_queries

MODULE = """  - id: m{i}
    title: Module {i}
    file: modules/m{i}.md
    sections: [s{i}]
    questions: questions/m{i}.yaml
"""
QUESTION = """- id: {qid}
  type: single
  section: s{i}
  prompt: Question {qid}?
  choices:
    - {{text: Right, correct: true}}
    - {{text: Wrong}}
  feedback: Because.
"""


def make_course(root: Path, modules: int) -> Path:
    course = root / f"gen{modules}"
    (course / "modules").mkdir(parents=True)
    (course / "questions").mkdir()
    (course / "policy.md").write_text(
        "# Generated\n\n"
        + "".join(f"## Section {i} {{#s{i}}}\n\nText {i}.\n\n" for i in range(modules))
    )
    for i in range(modules):
        (course / "modules" / f"m{i}.md").write_text(f"## Lesson {i}\n\nBody.")
        (course / "questions" / f"m{i}.yaml").write_text(QUESTION.format(qid=f"m{i}-q", i=i))
    (course / "questions" / "final.yaml").write_text(
        "".join(QUESTION.format(qid=f"f{i}-{j}", i=i) for i in range(modules) for j in range(2))
    )
    (course / "course.yaml").write_text(
        f"id: gen{modules}\ntitle: Generated {modules}\npolicy: policy.md\nmodules:\n"
        + "".join(MODULE.format(i=i) for i in range(modules))
        + "assessment:\n  questions: questions/final.yaml\n  draw: 2\n"
    )
    return course


def page_queries(app, client, url: str) -> int:
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    client.get(url)  # warm-up: first visits write progress rows
    with count_queries(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.fixture
def two_courses(app, tmp_path, make_person):
    root = tmp_path / "courses"
    for n in (2, 9):
        make_course(root, n)
    with app.app_context():
        _, problems = sync_courses(root)
        assert not problems, [str(p) for p in problems]
    make_person("q@example.com")
    return app


def test_course_page_queries_do_not_grow_with_modules(two_courses, client):
    login(client, "q@example.com")
    small = page_queries(two_courses, client, "/courses/gen2/")
    large = page_queries(two_courses, client, "/courses/gen9/")
    assert small == large, (small, large)


def test_module_page_queries_do_not_grow_with_modules(two_courses, client):
    login(client, "q@example.com")
    assert page_queries(two_courses, client, "/courses/gen2/modules/m1") == page_queries(
        two_courses, client, "/courses/gen9/modules/m8"
    )


def _fail_check(client, slug, key):
    html = client.get(f"/courses/{slug}/modules/{key}").get_data(as_text=True)
    action = next(part.split('"')[0] for part in html.split('action="')[1:] if "/check/" in part)
    client.post(action, data={"csrf_token": csrf_from(html)})  # no answers: fails


def test_pages_do_not_grow_with_attempts(two_courses, client):
    login(client, "q@example.com")
    course_before = page_queries(two_courses, client, "/courses/gen2/")
    module_before = page_queries(two_courses, client, "/courses/gen2/modules/m0")
    assessment_before = page_queries(two_courses, client, "/courses/gen2/assessment")
    for _ in range(6):
        _fail_check(client, "gen2", "m0")
    assert page_queries(two_courses, client, "/courses/gen2/") == course_before
    assert page_queries(two_courses, client, "/courses/gen2/modules/m0") == module_before
    assert page_queries(two_courses, client, "/courses/gen2/assessment") == assessment_before


def test_home_page_queries_do_not_grow_with_courses(app, tmp_path, make_person, client):
    """The home page loads every course's progress in one batch, not per course."""
    make_person("q@example.com")
    login(client, "q@example.com")
    root = tmp_path / "courses"
    make_course(root, 2)
    with app.app_context():
        sync_courses(root)
    one_course = page_queries(app, client, "/")
    for n in (3, 4, 5):
        make_course(root, n)
    with app.app_context():
        sync_courses(root)
    assert page_queries(app, client, "/") == one_course
