"""Hostile course files get one clear `path:line: message`, quickly and in little memory."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from lms.courses import yamlfile
from lms.courses.source import check_courses
from tests.conftest import FIXTURE_COURSES


@pytest.fixture
def course(tmp_path) -> Path:
    target = tmp_path / "courses" / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", target)
    return target


def problems(course: Path) -> list[str]:
    _, found = check_courses(course.parent)
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in found]


def test_deep_nesting_is_reported_not_a_recursion_error(course):
    (course / "course.yaml").write_text("a: " + "[" * 20_000 + "]" * 20_000 + "\n")
    (found,) = problems(course)
    assert found.startswith("course.yaml:1: invalid YAML: nested more than 64 levels deep")


def test_an_anchor_bomb_is_refused_fast_and_never_echoed(course):
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 10) + "]")
    text = (course / "course.yaml").read_text().replace("pass_mark: 100", "pass_mark: *i", 1)
    (course / "course.yaml").write_text("\n".join(bomb) + "\n" + text)
    started = time.monotonic()
    found = problems(course)
    assert time.monotonic() - started < 2
    assert any("too many aliases" in p for p in found), found
    assert all(len(p) < 400 for p in found)


def test_a_huge_lesson_is_refused_with_the_setting_to_change(course, app_ctx):
    app_ctx.config["LMS_COURSE_FILE_MAX_BYTES"] = 100_000
    lesson = next((course / "modules").glob("*.md"))
    lesson.write_text("word " * 1_000_000)
    found = problems(course)
    assert any(
        f"{lesson.name}:1: the file is 5,000,000 bytes" in p and "LMS_COURSE_FILE_MAX_BYTES" in p
        for p in found
    ), found


def test_long_values_are_cut_in_messages(course):
    text = (
        (course / "course.yaml")
        .read_text()
        .replace("pass_mark: 100", "pass_mark: " + "9" * 100_000, 1)
    )
    (course / "course.yaml").write_text(text)
    found = problems(course)
    assert found and all(len(p) < 400 for p in found)


def test_ordinary_aliases_still_work():
    data = yamlfile.load("base: &b {x: 1}\nother: *b\nlist: [*b, *b]\n")
    assert data["other"] == {"x": 1} and len(data["list"]) == 2
