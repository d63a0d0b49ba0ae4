"""check-courses reports every problem as path:line: message and exits 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.courses.source import check_courses
from tests.conftest import FIXTURE_COURSES

REAL_COURSES = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture
def course(tmp_path) -> Path:
    """A writable copy of the mini course."""
    target = tmp_path / "courses" / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def problems_of(course: Path) -> list[str]:
    """Problems with their paths made relative to the course folder."""
    _, problems = check_courses(course.parent)
    return [
        f"{Path(p.path).resolve().relative_to(course.resolve())}:{p.line}: {p.message}"
        for p in problems
    ]


def test_fixture_course_is_clean(course):
    assert problems_of(course) == []


def test_real_courses_are_clean():
    courses, problems = check_courses(REAL_COURSES)
    assert [str(p) for p in problems] == []
    assert [c.slug for c in courses] == ["social-media-policy"]


# Each case: (file to edit, old text, new text, expected "file:line: message" fragment)
BROKEN = [
    ("course.yaml", "id: mini", "id: Mini Course", "course.yaml:1: id must be a slug"),
    ("course.yaml", "title: Mini policy course\n", "", "course.yaml:1: title is required"),
    (
        "course.yaml",
        "    sections: [scope]",
        "    sections: [scoop]",
        "course.yaml:11: unknown policy section 'scoop'",
    ),
    (
        "course.yaml",
        "  - id: voice",
        "  - id: basics",
        "course.yaml:13: duplicate module id 'basics'",
    ),
    (
        "course.yaml",
        "modules/voice.md",
        "modules/missing.md",
        "course.yaml:15: file not found: modules/missing.md",
    ),
    (
        "course.yaml",
        "  draw: 4",
        "  draw: 40",
        "course.yaml:21: draw is 40 but the pool has only 6 questions",
    ),
    (
        "course.yaml",
        "  pass_mark: 75",
        "  pass_mark: 175",
        "course.yaml:22: pass_mark must be a whole number 0..100",
    ),
    (
        "course.yaml",
        "  window: 60",
        "  window: 400",
        "course.yaml:31: window (400 days) must be shorter than valid_for",
    ),
    (
        "course.yaml",
        "    scenario: complaint",
        "    scenario: nope",
        "course.yaml:35: unknown scenario 'nope'",
    ),
    ("course.yaml", "summary: A two", "sumary: A two", "course.yaml:3: unknown key 'sumary'"),
    ("course.yaml", "review_due_days: 14", "review_due_days: [14", "course.yaml:7: invalid YAML"),
    (
        "policy.md",
        "## Who speaks {#voice}",
        "## Who speaks",
        "policy.md:9: section heading has no stable id",
    ),
    (
        "policy.md",
        "## Complaints {#complaints}",
        "## Complaints {#scope}",
        "policy.md:13: duplicate section id 'scope'",
    ),
    (
        "questions/basics.yaml",
        "      correct: true\n",
        "",
        "questions/basics.yaml:5: no choice is marked correct",
    ),
    (
        "questions/basics.yaml",
        "- id: basics-2",
        "- id: basics-1",
        "questions/basics.yaml:11: duplicate question id 'basics-1'",
    ),
    (
        "questions/basics.yaml",
        "  section: scope\n  prompt: What",
        "  section: nowhere\n  prompt: What",
        "questions/basics.yaml:3: unknown policy section 'nowhere'",
    ),
    (
        "questions/basics.yaml",
        "  type: true_false",
        "  type: essay",
        "questions/basics.yaml:12: unknown question type 'essay'",
    ),
    (
        "questions/basics.yaml",
        "  answer: true",
        "  answer: maybe",
        "questions/basics.yaml:15: answer must be true or false",
    ),
    (
        "questions/voice.yaml",
        "    - {left: Refund demand, right: Point to support}\n",
        "",
        "questions/voice.yaml:14: needs at least 2 pairs",
    ),
    (
        "questions/voice.yaml",
        "right: Point to support",
        "right: Report it",
        "questions/voice.yaml:16: duplicate right text",
    ),
    (
        "questions/final.yaml",
        "- id: final-voice-1",
        "- id: basics-1",
        "questions/final.yaml:15: duplicate question id 'basics-1' (used in another file)",
    ),
    (
        "scenarios/complaint.yaml",
        "        next: reported",
        "        next: nowhere",
        "scenarios/complaint.yaml:18: next 'nowhere' is not a node id",
    ),
    (
        "scenarios/complaint.yaml",
        "        score: 10\n        feedback: Right.\n        section: complaints",
        "        score: 11\n        feedback: Right.\n        section: complaints",
        "scenarios/complaint.yaml:19: 'score' must be a whole number from 0 to 10",
    ),
    (
        "scenarios/complaint.yaml",
        "start: post",
        "start: nowhere",
        "scenarios/complaint.yaml:4: start 'nowhere' is not a node id",
    ),
    (
        "scenarios/complaint.yaml",
        "scoring: end",
        "scoring: sum",
        "scenarios/complaint.yaml:37: end scores are not used with scoring 'sum'",
    ),
    (
        "course.yaml",
        "required: true\n    pass_mark: 70",
        "required: true\n    pass_mark: 0",
        "scenarios/complaint.yaml:46: end 'bad-end' is labelled poor, but a run reaches it with 0, which "
        "passes (pass mark 0): post[1] (with the pass mark 0 set in course.yaml)",
    ),
    (
        "questions/basics.yaml",
        "  feedback: It covers every public platform.",
        "  feedback: Report it in #social-escalations at once.",
        "questions/basics.yaml:10: ' #' starts a YAML comment",
    ),
]


@pytest.mark.parametrize(
    "rel,old,new,expected", BROKEN, ids=[f"{c[0]}:{c[3].split(': ', 1)[-1][:40]}" for c in BROKEN]
)
def test_each_broken_file_is_reported_with_its_line(course, rel, old, new, expected):
    edit(course / rel, old, new)
    found = problems_of(course)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_not_just_the_first(course):
    edit(course / "course.yaml", "    sections: [scope]", "    sections: [scoop]")
    edit(course / "questions/basics.yaml", "  type: true_false", "  type: essay")
    edit(course / "scenarios/complaint.yaml", "start: post", "start: nowhere")
    found = problems_of(course)
    assert len(found) >= 3


def test_missing_course_yaml(tmp_path):
    _, problems = check_courses(tmp_path)
    assert "no course.yaml found" in str(problems[0])


def test_cli_prints_problems_and_exits_1(runner, course):
    edit(course / "policy.md", "## Who speaks {#voice}", "## Who speaks")
    result = runner.invoke(args=["lms", "check-courses", str(course.parent)])
    assert result.exit_code == 1
    assert "policy.md:9: section heading has no stable id" in result.output


def test_cli_ok_exits_0(runner):
    result = runner.invoke(args=["lms", "check-courses", str(FIXTURE_COURSES)])
    assert result.exit_code == 0, result.output
    assert "mini: ok" in result.output
