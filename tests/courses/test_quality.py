"""The course-quality linter on fixture courses that each have exactly one kind of problem.

``tests/fixtures/quality/clean`` has no finding; every other folder there overlays a few
files on it (see its README). The shipped course must have no finding at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.courses.quality import course_warnings, quality_findings
from lms.courses.source import check_courses, load_course
from tests.conftest import FIXTURES

QUALITY = FIXTURES / "quality"
SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "social-media-policy"


def build(tmp_path: Path, overlay: str | None = None) -> Path:
    """The clean course with ``overlay``'s files laid over it, in a fresh folder."""
    target = tmp_path / "courses" / "quality"
    shutil.copytree(QUALITY / "clean", target)
    if overlay:
        shutil.copytree(QUALITY / overlay, target, dirs_exist_ok=True)
    return target


def findings_of(folder: Path) -> list[str]:
    course, problems = load_course(folder)
    assert problems == [], [str(p) for p in problems]
    return [
        f"{Path(f.path).resolve().relative_to(folder.resolve())}:{f.line}: [{f.check}] {f.message}"
        for f in quality_findings(course)
    ]


def test_the_clean_fixture_has_no_findings(tmp_path):
    assert findings_of(build(tmp_path)) == []


def test_the_shipped_course_has_no_findings():
    assert findings_of(SHIPPED) == []


# (overlay, expected findings as "file:line: [check] fragment", in order)
CASES = [
    (
        "answer-position",
        [
            "questions/final.yaml:1: [answer-position] choice 1 in the file is correct in 6 of 7 "
            "single-choice questions (about 2 by chance): final-scope-1, final-scope-2",
            "questions/final.yaml:1: [answer-position] choice 1 in the file is correct in 6 of 6 "
            "single-choice questions in the final pool (about 2 by chance)",
        ],
    ),
    (
        "longest-answer",
        [
            "questions/scope.yaml:7: [longest-answer] the correct choice is the longest in 7 of 7 "
            "single-choice questions (about 2 by chance): scope-2, final-scope-1",
            "questions/final.yaml:1: [longest-answer] the correct choice is the longest in 6 of 6 "
            "single-choice questions in the final pool",
        ],
    ),
    (
        "first-word",
        [
            "questions/scope.yaml:7: [first-word] scope-2: every wrong choice starts with 'only' and "
            "no correct choice does",
        ],
    ),
    (
        "multiple-counts",
        [
            "questions/scope.yaml:1: [multiple-counts] 5 of 5 multiple-choice questions have exactly 2 "
            'correct choices, so "always pick 2" is a strategy',
        ],
    ),
    ("all-correct", ["questions/scope.yaml:7: [all-correct] scope-2: every choice is correct"]),
    (
        "matching-distractor",
        [
            "questions/voice.yaml:1: [matching-distractor] voice-1: no distractors, so the last item "
            "is matched for free by elimination",
        ],
    ),
    (
        "section-coverage",
        [
            "policy.md:10: [section-coverage] section 'voice' has 1 final-pool question: at least 2",
        ],
    ),
    (
        "fact-coverage",
        [
            "course.yaml:9: [fact-coverage] fact 'scope-own-time' is tested by 1 final-pool question: "
            'at least 2 are needed ("It applies on your own time too',
        ],
    ),
    (
        "fact-coverage-untagged",
        [
            "questions/final.yaml:1: [fact-tags] final-scope-1: says no `facts:`",
        ],
    ),
    (
        "reading-time",
        [
            "course.yaml:1: [reading-time] the first pass takes about 4.1 minutes (modules 2.0, final "
            "assessment 1.7, required scenarios 0.5); the goal is at most 3",
        ],
    ),
    (
        "reading-time-module",
        [
            "course.yaml:16: [reading-time] module 'scope' takes about 13.0 minutes, so a refresher "
            "that redoes it takes 14.8; the refresher goal is at most 12: shorten its lesson",
        ],
    ),
    (
        "scenario-strategy",
        [
            "scenarios/rumour.yaml:9: [scenario-strategy] rumour: always the last choice scores 100, "
            "which passes (pass mark 70): asked[3] -> reported[3]",
        ],
    ),
]


@pytest.mark.parametrize(("overlay", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_check_finds_exactly_its_problem(tmp_path, overlay, expected):
    found = findings_of(build(tmp_path, overlay))
    assert len(found) == len(expected), found
    for got, fragment in zip(found, expected, strict=True):
        assert got.startswith(fragment), (got, fragment)


IMPORTANT = {
    "matching-distractor",
    "all-correct",
    "section-coverage",
    "fact-coverage",
    "scenario-strategy",
}


@pytest.mark.parametrize("overlay", [c[0] for c in CASES])
def test_important_findings_are_the_normal_checks_warnings(tmp_path, overlay):
    course, _ = load_course(build(tmp_path, overlay))
    warned = {w.check for w in course_warnings(course)}
    checks = {f.check for f in quality_findings(course)}
    assert warned == checks & IMPORTANT


def test_an_optional_scenario_passed_by_a_strategy_is_not_a_warning(tmp_path):
    folder = build(tmp_path, "scenario-strategy")
    path = folder / "course.yaml"
    path.write_text(path.read_text().replace("    required: true", "    required: false"))
    course, _ = load_course(folder)
    assert [f.check for f in quality_findings(course)] == ["scenario-strategy"]
    assert course_warnings(course) == []


# --------------------------------------------------------------------------- facts format

BROKEN = [
    (
        "course.yaml",
        "    section: voice\n    text: Only",
        "    section: nowhere\n    text: Only",
        "course.yaml:13: unknown policy section 'nowhere'",
    ),
    (
        "course.yaml",
        "  - id: voice-team",
        "  - id: scope-everywhere",
        "course.yaml:12: duplicate fact id 'scope-everywhere' (also fact 1)",
    ),
    (
        "course.yaml",
        "  - id: voice-team",
        "  - id: Voice Team",
        "course.yaml:12: fact id must be a slug",
    ),
    (
        "course.yaml",
        "    text: Only the social team answers for the company.\n",
        "",
        "course.yaml:12: a fact needs a text",
    ),
    (
        "course.yaml",
        "    text: Only the social team",
        "    colour: red\n    text: Only the social team",
        "course.yaml:14: unknown key 'colour' in a fact",
    ),
    (
        "questions/final.yaml",
        "  facts: [voice-team]\n  prompt: A customer",
        "  facts: [voice-teams]\n  prompt: A customer",
        "questions/final.yaml:36: unknown fact 'voice-teams'",
    ),
    (
        "questions/final.yaml",
        "  facts: [voice-team]\n  prompt: A customer",
        "  facts: [voice-team, voice-team]\n  prompt: A customer",
        "questions/final.yaml:36: fact 'voice-team' is listed twice",
    ),
    (
        "questions/final.yaml",
        "  facts: [voice-team]\n  prompt: A customer",
        "  facts: voice-team\n  prompt: A customer",
        "questions/final.yaml:36: facts must be a non-empty list",
    ),
    (
        "course.yaml",
        "policy: policy.md\n",
        "policy: policy.md\ntime_budget: 40\n",
        "course.yaml:5: time_budget must be a mapping",
    ),
    (
        "course.yaml",
        "policy: policy.md\n",
        "policy: policy.md\ntime_budget:\n  first_pass: 0\n",
        "course.yaml:6: first_pass must be a whole number >= 1",
    ),
    (
        "course.yaml",
        "policy: policy.md\n",
        "policy: policy.md\ntime_budget:\n  total: 30\n",
        "course.yaml:6: unknown key 'total' in time_budget",
    ),
    (
        "questions/voice.yaml",
        "    - Reply with what you heard",
        "    - Report it to the social team",
        "questions/voice.yaml:9: this distractor is also the right answer of a pair",
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"), BROKEN, ids=[b[3].split(": ", 1)[1][:40] for b in BROKEN]
)
def test_format_errors_fail_the_normal_check(tmp_path, rel, old, new, expected):
    folder = build(tmp_path)
    path = folder / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    _, problems = check_courses(folder.parent)
    found = [
        f"{Path(p.path).resolve().relative_to(folder.resolve())}:{p.line}: {p.message}"
        for p in problems
    ]
    assert any(p.startswith(expected) for p in found), found


def test_facts_are_loaded_with_their_sections(tmp_path):
    course, _ = load_course(build(tmp_path))
    assert [(f.id, f.section) for f in course.facts] == [
        ("scope-everywhere", "scope"),
        ("scope-own-time", "scope"),
        ("voice-team", "voice"),
    ]


# --------------------------------------------------------------------------- the command


def test_quality_flag_prints_minutes_and_fails_on_a_finding(runner, tmp_path):
    folder = build(tmp_path, "matching-distractor")
    normal = runner.invoke(args=["lms", "check-courses", str(folder.parent)])
    assert normal.exit_code == 0, normal.output
    assert "warning: " in normal.output and "[matching-distractor] voice-1" in normal.output
    result = runner.invoke(args=["lms", "check-courses", "--quality", str(folder.parent)])
    assert result.exit_code == 1
    assert "quality-clean: first pass about 4.1 min (goal 40)" in result.output
    assert (
        "rumour by fixed strategy: first choice 0, last choice 0, longest choice 0" in result.output
    )
    assert "1 quality finding(s)." in result.output


def test_quality_flag_on_a_clean_course_exits_0(runner, tmp_path):
    folder = build(tmp_path)
    result = runner.invoke(args=["lms", "check-courses", "--quality", str(folder.parent)])
    assert result.exit_code == 0, result.output
    assert "No quality findings." in result.output
    assert "warning" not in result.output


def test_quality_flag_does_not_hide_problems(runner, tmp_path):
    folder = build(tmp_path)
    (folder / "policy.md").write_text("no title, no sections\n")
    result = runner.invoke(args=["lms", "check-courses", "--quality", str(folder.parent)])
    assert result.exit_code == 1
    assert "problem(s) found." in result.output
