"""The shipped course in its five languages: every translation reads clean, and one edited
English policy section is stale in all four, and nothing else is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.courses import translations as t
from lms.courses.source import load_course

COURSE = Path(__file__).resolve().parents[2] / "courses" / "social-media-policy"
LANGUAGES = ("es", "fi", "pl", "fr")


@pytest.fixture(scope="module")
def shipped():
    course, problems = load_course(COURSE)
    assert not problems, [str(p) for p in problems]
    return course


def not_up_to_date(course, language):
    _translation, reports = t.check_translation(course, language)
    return {(r.kind, r.key): r.status for r in reports if r.status != "up_to_date"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_of_the_shipped_course_is_complete_and_current(shipped, language):
    translation, _reports = t.check_translation(shipped, language)
    assert translation.problems == []
    assert not_up_to_date(shipped, language) == {}


def test_editing_one_english_section_makes_it_stale_in_all_four(tmp_path):
    copy = tmp_path / "social-media-policy"
    shutil.copytree(COURSE, copy)
    policy = copy / "policy.md"
    text = policy.read_text()
    old = "Social networks attract fraudsters"
    assert old in text
    policy.write_text(text.replace(old, "Social networks draw fraudsters", 1))
    course, problems = load_course(copy)
    assert not problems
    for language in LANGUAGES:
        changed = not_up_to_date(course, language)
        assert changed == {("section", "security"): "stale"}, (language, changed)
