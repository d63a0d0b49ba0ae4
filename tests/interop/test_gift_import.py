"""GIFT into this course's questions: the mapping, the findings and the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses import yamlfile
from lms.courses.source import check_courses
from lms.domain.questions import validate_question_list
from lms.interop.mapping import MATCHING_DISTRACTORS_KEY
from lms.interop.questions_io import import_questions
from tests.interop.conftest import FIXTURES


def convert(text: str, **kwargs):
    kwargs.setdefault("section", "scope")
    return import_questions(text, "gift", display="bank.gift", **kwargs)


def only(text: str, **kwargs) -> dict:
    result = convert(text, **kwargs)
    assert result.errors == [] and len(result.questions) == 1, result.findings
    return result.questions[0][0]


def messages(result, level: str) -> list[str]:
    return [str(f) for f in result.findings if f.level == level]


# --------------------------------------------------------------------------- mapping


def test_single_choice_with_feedbacks():
    assert only("::Q::Pick one{=yes#Right. ~no#Wrong. ####Because.}") == {
        "id": "q",
        "type": "single",
        "section": "scope",
        "prompt": "Pick one",
        "choices": [
            {"text": "yes", "correct": True, "feedback": "Right."},
            {"text": "no", "feedback": "Wrong."},
        ],
        "feedback": "Because.",
    }


def test_partial_credit_in_a_single_answer_question_is_dropped_with_a_note():
    result = convert("::Q::Pick{~a ~%50%b ~%-25%c =d####fb}")
    assert result.questions[0][0]["choices"][1] == {"text": "b"}
    notes = messages(result, "note")
    assert notes[0].startswith("bank.gift:1: question 'Q': partial credit dropped: 'b' (50%)")
    assert "penalties dropped: 'c' (-25%)" in notes[1]


def test_two_fully_right_choices_cannot_be_a_single_choice_question():
    result = convert("::Q::Pick{=a =b ~c}")
    assert messages(result, "skipped") == [
        "bank.gift:1: question 'Q' has 2 fully right choices in a single-answer question; "
        "a single-choice question here has exactly one"
    ]


def test_multiple_answers_become_a_multiple_question_with_matching_scoring():
    q = only("::Q::Pick two{~%50%a ~%50%b ~%-50%c ~%-50%d####fb}")
    assert q["type"] == "multiple" and q["scoring"] == "partial"
    assert [c.get("correct", False) for c in q["choices"]] == [True, True, False, False]


def test_weights_that_no_mode_reproduces_are_reported():
    # Moodle's own example: zero-weight wrong answers, so ticking everything scores 100%.
    result = convert("::Q::Pick two{~No one ~%50%Grant ~%50%Wife ~Father####fb}")
    mode = result.questions[0][0]["scoring"]
    (note,) = messages(result, "note")
    assert note.startswith(
        f"bank.gift:1: question 'Q': scored here as {mode}, which differs "
        "from Moodle's weights: picking only "
    )
    assert "more)" in note  # more differences than the two spelled out


def test_too_many_choices_for_this_format():
    result = convert("::Big::Q{=a ~b ~c ~d ~e ~f ~g}")
    assert messages(result, "skipped") == [
        "bank.gift:1: question 'Big' has 7 choices; this format allows 2 to 6"
    ]


def test_true_false_takes_the_general_feedback_else_the_wrong_answer_feedback():
    assert (
        only("Deleting removes every copy.{F####Copies survive.}")["feedback"] == "Copies survive."
    )
    result = convert("Deleting removes every copy.{FALSE#Screenshots survive.#Right.}")
    question = result.questions[0][0]
    assert (question["answer"], question["feedback"]) == (False, "Screenshots survive.")
    assert messages(result, "note") == [
        "bank.gift:1: question 'Deleting removes every copy.': feedback for a right answer "
        "dropped: a true/false question here has one feedback (taken from the feedback for a "
        "wrong answer)"
    ]


def test_matching_pairs_and_distractors():
    result = convert("::M::Match.{=a -> 1 =b -> 2 = -> 3####fb}")
    question = result.questions[0][0]
    assert question["pairs"] == [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]
    if MATCHING_DISTRACTORS_KEY:
        assert question[MATCHING_DISTRACTORS_KEY] == ["3"]
    else:
        assert "distractor(s) dropped: '3'" in messages(result, "note")[0]


def test_text_formats_become_markdown():
    q = only(
        "::F::[html]<p>Is <b>this</b> a_b?</p>{=[plain]2 * 3 #[markdown]**yes** ~x####[plain]<b>}"
    )
    assert q["prompt"] == "Is **this** a_b?"
    assert q["choices"][0] == {"text": "2 \\* 3", "correct": True, "feedback": "**yes**"}
    assert q["feedback"] == "&lt;b>"  # plain text stays text, not HTML


def test_missing_feedback_is_left_empty_with_a_note_for_the_author():
    result = convert("::Q::Pick{=a ~b}")
    assert result.questions[0][0]["feedback"] == ""
    assert "has no general feedback" in messages(result, "note")[0]


# --------------------------------------------------------------------------- ids, sections


def test_ids_from_id_numbers_titles_and_the_file_name():
    result = convert(
        "// [id:scope-07]\n::Named::Q{T####f}\n\n::Named::Q{T####f}\n\n"
        "Q{T####f}\n\n// [id:has space]\nQ{T####f}\n"
    )
    assert [q["id"] for q, _ in result.questions] == ["scope-07", "named", "bank-03", "has-space"]


def test_sections_come_from_the_category_unless_given():
    text = (
        "$CATEGORY: $course$/top/mini/voice\n\nQ{T####f}\n\n$CATEGORY: Default for X\n\nR{F####f}\n"
    )
    result = convert(text, section=None)
    assert [q["section"] for q, _ in result.questions] == ["voice", ""]
    assert messages(result, "note") == [
        "bank.gift:7: the category 'Default for X' does not end in a policy section id: these "
        "questions get section: '' (pass --section ID, or set each one)"
    ]
    assert [q["section"] for q, _ in convert(text, section="scope").questions] == ["scope", "scope"]


# --------------------------------------------------------------------------- unsupported


UNSUPPORTED = [
    ("::Who::Who speaks?{=Communications =Comms}", "short-answer", "a"),
    ("::Year::Year?{#2019:1}", "numerical", "a"),
    ("::Feel::How do you feel?{}", "essay", "an"),
    ("::Read::Please read this first.", "description", "a"),
    ("::Cloze::Capital {=Paris} and river {=Seine}.", "embedded-answer", "an"),
]


@pytest.mark.parametrize("text, kind, article", UNSUPPORTED)
def test_each_unsupported_type_is_reported_with_its_line_and_skipped(text, kind, article):
    result = convert(f"// bank\n\nKept{{T####f}}\n\n{text}\n")
    assert messages(result, "skipped") == [
        f"bank.gift:5: question '{text[2 : text.index('::', 2)]}' is {article} {kind} question, "
        "which this format does not support"
    ]
    assert [q["prompt"] for q, _ in result.questions] == ["Kept"]


def test_strict_makes_unsupported_questions_errors():
    result = convert("Kept{T####f}\n\n::Year::Year?{#2019}\n", strict=True)
    assert [str(e) for e in result.errors] == [
        "bank.gift:3: question 'Year' is a numerical question, which this format does not support"
    ]


def test_moodle_examples_file_every_finding():
    result = import_questions(
        (FIXTURES / "moodle_examples.gift").read_text(),
        "gift",
        display="examples.gift",
        section="scope",
    )
    assert result.errors == []
    skipped = messages(result, "skipped")
    assert len(skipped) == 17 and len(result.questions) == 26  # 9 short answers, 8 numerical
    assert (
        "examples.gift:16: question 'In which year was the policy first published?' is a numerical"
        " question, which this format does not support" in skipped
    )
    assert (
        "examples.gift:90: question 'Spokesperson' is a short-answer question, which this "
        "format does not support" in skipped
    )
    problems = validate_question_list([q for q, _ in result.questions], {"scope"})
    assert {p.message for p in problems} == {"feedback must not be empty"}


# --------------------------------------------------------------------------- the output


def test_the_yaml_is_this_course_format_and_check_courses_accepts_it(mini_course):
    result = import_questions(
        (FIXTURES / "complete.gift").read_text(), "gift", display="complete.gift"
    )
    assert result.errors == [] and messages(result, "skipped") == []
    text = result.to_yaml("complete.gift")
    (mini_course / "questions" / "voice.yaml").write_text(text)
    courses, problems = check_courses(mini_course)
    assert [str(p) for p in problems] == []
    voice = next(m for m in courses[0].modules if m.key == "voice")
    assert [q["id"] for q in voice.questions] == [
        "who-answers-the-press",
        "voice-escalate",
        "handling-complaints",
        "deleting",
        "routing",
    ]
    assert [q["section"] for q in voice.questions] == [
        "voice",
        "voice",
        "complaints",
        "complaints",
        "complaints",
    ]


def test_the_yaml_keeps_order_and_notes_as_comments():
    result = import_questions(
        (FIXTURES / "complete.gift").read_text(), "gift", display="complete.gift"
    )
    text = result.to_yaml("complete.gift")
    assert text.startswith("# Imported from complete.gift")
    assert "# from complete.gift:14 ::Escalation::\n# note: partial credit dropped" in text
    assert "  prompt: 'In #social-escalations'" not in text  # a choice, not the prompt
    assert "    - text: 'In #social-escalations'" in text  # " #" quoted, never a comment
    loaded = yamlfile.load(text)
    assert list(loaded[0]) == ["id", "type", "section", "prompt", "choices", "feedback"]
    assert list(loaded[2]) == ["id", "type", "scoring", "section", "prompt", "choices", "feedback"]


# --------------------------------------------------------------------------- the command


def test_command_writes_the_file_and_reports_on_stderr(cli, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("::Kept::Q{T####f}\n\n::Year::Year?{#2019}\n")
    out = tmp_path / "out.yaml"
    result = cli(
        "import-questions", str(bank), "--format", "gift", "--section", "scope", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert (
        f"{bank}:3: question 'Year' is a numerical question, which this format does not "
        "support" in result.stderr
    )
    assert "1 question(s) written to" in result.stderr and "1 skipped" in result.stderr
    assert yamlfile.load(out.read_text())[0]["id"] == "kept"
    again = cli("import-questions", str(bank), "--format", "gift", "-o", str(out))
    assert again.exit_code != 0 and "already exists" in again.output


def test_command_syntax_error_is_file_line_col_and_writes_nothing(cli, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("Good{T}\n\nBad {~a ~b\n")
    out = tmp_path / "out.yaml"
    result = cli("import-questions", str(bank), "--format", "gift", "-o", str(out))
    assert result.exit_code == 1
    assert f"{bank}:3:5: the answer block opened here is not closed" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_command_strict(cli, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("::Kept::Q{T####f}\n\n::Essay::Why?{}\n")
    result = cli("import-questions", str(bank), "--format", "gift", "--strict")
    assert result.exit_code == 1 and "is an essay question" in result.stderr


def test_command_rejects_a_file_that_is_not_utf8(cli, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_bytes(b"Q{T}\n\nCaf\xe9{F}\n")
    result = cli("import-questions", str(bank), "--format", "gift")
    assert result.exit_code == 1 and f"{bank}:3: not valid UTF-8" in result.output


def test_command_to_standard_output(cli):
    path = Path(FIXTURES / "complete.gift")
    result = cli("import-questions", str(path), "--format", "gift")
    assert result.exit_code == 0
    assert [q["id"] for q in yamlfile.load(result.stdout)][:2] == [
        "who-answers-the-press",
        "voice-escalate",
    ]


def test_command_checks_the_section_id(cli, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("Q{T####f}\n")
    result = cli("import-questions", str(bank), "--format", "gift", "--section", "Not An Id")
    assert result.exit_code == 1 and "is not a policy section id" in result.output
