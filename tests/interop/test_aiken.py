"""Aiken into this course's questions, with Moodle's error cases reported by line."""

from __future__ import annotations

from lms.courses import yamlfile
from lms.interop.aiken_parser import parse_aiken
from lms.interop.questions_io import import_questions
from tests.interop.conftest import FIXTURES


def test_moodles_error_cases_each_by_line():
    # fixtures/aiken_errors.txt follows Moodle's tests/fixtures/aiken_errors.txt case by case.
    parsed = parse_aiken((FIXTURES / "aiken_errors.txt").read_text())
    assert [(e.line, e.message) for e in parsed.errors] == [
        (
            3,
            "question 'Who approves a new official account?' must have at least 2 choices (it has 1)",
        ),
        (5, "a choice with no question before it (question not started)"),
        (7, "ANSWER: with no question before it (question not started)"),
        (
            14,
            "question 'Where do complaints go?' is not finished with an ANSWER: line before the "
            "next question starts on line 18",
        ),
        (31, "bad ANSWER: line: 'E' is not one of this question's choice letters (A, B)"),
        (33, "question 'The last question never ends' never gets its ANSWER: line"),
    ]
    assert [q.text.text for q in parsed.questions] == [
        "Which team answers the press?",
        "Which sign-in is required on official accounts?",
        "Which characters need care in a post such as > < &?",
    ]
    assert [a.text.text for a in parsed.questions[1].answers] == [
        "A password only (no space after the letter)",
        "Two-factor sign-in (no space after the letter)",
    ]
    assert [a.weight for a in parsed.questions[1].answers] == [0, 100]


def test_good_file_becomes_single_choice_questions():
    result = import_questions(
        (FIXTURES / "aiken_questions.txt").read_text(), "aiken", display="bank.txt", section="scope"
    )
    assert result.errors == []
    first, second = (q for q, _ in result.questions)
    assert first == {
        "id": "bank-01",
        "type": "single",
        "section": "scope",
        "prompt": "Which platforms does the social media policy cover?",
        "choices": [
            {"text": "Only the Company's official accounts"},
            {"text": "Any public online platform, from blogs to review sites", "correct": True},
            {"text": "Only networks used on Company devices"},
            {"text": "Only platforms named in the policy"},
        ],
        "feedback": "",
    }
    assert second["id"] == "bank-02"
    assert [str(f) for f in result.findings if f.level == "note"][0] == (
        "bank.txt:1: question 'Which platforms does the social media policy cover?': has no "
        "general feedback: write feedback: (why the right answer is right) before "
        "check-courses accepts it"
    )


def test_aiken_text_is_plain_so_markdown_characters_are_escaped():
    result = import_questions(
        "Is 2*3 <b>six</b>?\nA) Yes\nB) No\nANSWER: A\n", "aiken", display="x.txt", section="scope"
    )
    assert result.questions[0][0]["prompt"] == "Is 2\\*3 &lt;b>six&lt;/b>?"


def test_command_reports_every_error_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "out.yaml"
    path = FIXTURES / "aiken_errors.txt"
    result = cli("import-questions", str(path), "--format", "aiken", "-o", str(out))
    assert result.exit_code == 1
    assert f"{path}:5: a choice with no question before it" in result.stderr
    assert f"{path}:31: bad ANSWER: line" in result.stderr
    assert "6 error(s): nothing was written." in result.stderr and not out.exists()


def test_command_converts_a_good_file(cli, tmp_path):
    out = tmp_path / "out.yaml"
    result = cli(
        "import-questions",
        str(FIXTURES / "aiken_questions.txt"),
        "--format",
        "aiken",
        "--section",
        "scope",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert [q["type"] for q in yamlfile.load(out.read_text())] == ["single", "single"]
