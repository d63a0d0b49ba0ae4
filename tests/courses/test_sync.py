"""sync-courses stores versions; the same content twice makes one version."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.courses.models import CourseVersion, Module, Question, Scenario
from lms.db import session
from tests.conftest import FIXTURE_COURSES
from tests.helpers import edited_courses


def versions(app):
    with app.app_context():
        return session.scalar(select(func.count()).select_from(CourseVersion))


def test_sync_twice_creates_one_version(app, runner):
    first = runner.invoke(args=["lms", "sync-courses", str(FIXTURE_COURSES)])
    second = runner.invoke(args=["lms", "sync-courses", str(FIXTURE_COURSES)])
    assert first.exit_code == 0 and "mini: new version 1" in first.output
    assert second.exit_code == 0 and "mini: unchanged at version 1" in second.output
    assert versions(app) == 1


def test_changed_content_makes_a_new_version(app, runner, tmp_path):
    runner.invoke(args=["lms", "sync-courses", str(FIXTURE_COURSES)])
    root = edited_courses(
        tmp_path, {"mini/policy.md": [("every public online platform", "every online platform")]}
    )
    result = runner.invoke(args=["lms", "sync-courses", str(root)])
    assert "mini: new version 2" in result.output
    assert versions(app) == 2


def test_broken_course_syncs_nothing(app, runner, tmp_path):
    root = edited_courses(tmp_path, {})
    (root / "mini" / "policy.md").write_text("no title, no sections")
    result = runner.invoke(args=["lms", "sync-courses", str(root)])
    assert result.exit_code == 1
    assert "Nothing was synced." in result.output
    assert versions(app) == 0


def test_markdown_is_rendered_and_sanitised_at_sync(app, synced):
    with app.app_context():
        basics = session.scalar(select(Module).where(Module.key == "basics"))
        assert "<strong>every</strong>" in basics.body_html
        assert "<script" not in basics.body_html
        voice = session.scalar(select(Module).where(Module.key == "voice"))
        assert "<table>" in voice.body_html


def test_questions_and_scenarios_are_stored(app, synced):
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(Question)) == 10
        pool = session.scalars(select(Question).where(Question.module_key.is_(None))).all()
        assert len(pool) == 6
        scenario = session.scalar(select(Scenario))
        assert scenario.key == "complaint" and scenario.required
        assert scenario.data["nodes"][0]["text_html"].startswith("<p>")


def test_commands_on_an_empty_database_say_what_to_do(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    result = app.test_cli_runner().invoke(args=["lms", "sync-courses"])
    assert result.exit_code == 1
    assert "run `flask lms db upgrade` first" in result.output
