"""An unchanged re-sync is recognised from the folders' hash before anything is parsed;
any changed file, a translation alone included, still takes the full sync."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from lms.courses import sync
from lms.courses.sync import sync_courses
from tests.conftest import FIXTURE_COURSES

SHIPPED = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A copy of the shipped courses (translations included), free to edit."""
    root = tmp_path / "courses"
    shutil.copytree(SHIPPED, root)
    return root


def sync_in(app, root):
    with app.app_context():
        outcomes, problems = sync_courses(root)
    assert not problems, [str(p) for p in problems]
    return outcomes


@pytest.fixture
def parses(monkeypatch) -> list[Path]:
    """The roots the full sync checks (and so parses), call by call."""
    calls = []
    full = sync.check_courses

    def check_courses(root):
        calls.append(root)
        return full(root)

    monkeypatch.setattr(sync, "check_courses", check_courses)
    return calls


def test_an_unchanged_resync_parses_nothing_and_reports_the_versions(app, shipped, parses):
    first = sync_in(app, shipped)
    assert len(parses) == 1
    started = time.perf_counter()
    again = sync_in(app, shipped)
    elapsed = time.perf_counter() - started
    assert len(parses) == 1  # not checked or parsed again
    assert [(o.slug, o.version, o.created) for o in again] == [
        (o.slug, o.version, False) for o in first
    ]
    assert elapsed < 1.0  # the benchmark holds it to 0.2 s; here only "no full parse"


def test_a_changed_translation_alone_still_syncs(app, shipped, parses):
    sync_in(app, shipped)
    policy = shipped / "social-media-policy" / "translations" / "fi" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nLisätty lause.\n", encoding="utf-8")
    outcomes = sync_in(app, shipped)
    assert len(parses) == 2  # the full sync ran
    assert outcomes[0].created is False and outcomes[0].translations == ("fi",)
    sync_in(app, shipped)
    assert len(parses) == 2  # and the new state is recognised next time


def test_a_changed_lesson_makes_a_new_version(app, tmp_path, parses):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, root)
    assert [o.version for o in sync_in(app, root)] == [1]
    lesson = next((root / "mini" / "modules").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert [(o.version, o.created) for o in sync_in(app, root)] == [(2, True)]
    assert len(parses) == 2


def test_two_identical_folders_are_still_reported(app, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, root)
    sync_in(app, root)
    shutil.copytree(root / "mini", root / "mini-copy")
    with app.app_context():
        outcomes, problems = sync_courses(root)
    assert outcomes == [] and any("also used by" in p.message for p in problems)
