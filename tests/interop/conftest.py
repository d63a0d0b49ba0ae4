"""Fixtures for the interop tests: a CLI runner on an app that needs no database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import FIXTURE_COURSES, app_config

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "social-media-policy"


@pytest.fixture
def courses_dir(tmp_path) -> Path:
    path = tmp_path / "courses"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def cli_app():
    """An app for the commands under test, which never touch the database."""
    return create_app(app_config("sqlite://"))


@pytest.fixture
def cli(cli_app, courses_dir):
    """Invoke ``flask lms ...`` with LMS_COURSES_DIR pointing at ``courses_dir``."""
    cli_app.config["LMS_COURSES_DIR"] = str(courses_dir)
    runner = cli_app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["lms", *args])

    return invoke


@pytest.fixture
def mini_course(courses_dir) -> Path:
    """A writable copy of the tests' mini course (sections scope, voice, complaints)."""
    target = courses_dir / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", target)
    return target
