"""GIFT out: what Moodle needs, and the round trip over the shipped course."""

from __future__ import annotations

import pytest

from lms.courses import yamlfile
from lms.courses.source import load_course
from lms.interop.gift_parser import parse_gift
from lms.interop.gift_writer import GiftWriteError, write_question
from lms.interop.mapping import FACTS_KEY, course_to_gift
from lms.interop.questions_io import (
    export_course,
    export_questions,
    import_questions,
    question_files,
)
from lms.interop.scoring import MOODLE_FRACTIONS
from tests.interop.conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped():
    course, problems = load_course(SHIPPED)
    assert problems == []
    questions = [yamlfile.plain(q) for m in course.modules for q in m.questions]
    return course, questions + [yamlfile.plain(q) for q in course.pool]


@pytest.fixture(scope="module")
def exported():
    result = export_questions(SHIPPED)
    assert [f for f in result.findings if f.level == "error"] == []
    return result


def test_round_trip_over_every_question_of_the_shipped_course(shipped, exported):
    _, questions = shipped
    back = import_questions(exported.text, "gift", display="export.gift")
    assert back.errors == [] and [f for f in back.findings if f.level == "skipped"] == []
    assert exported.count == len(questions) == len(back.questions)
    for original, (imported, _) in zip(questions, back.questions, strict=True):
        assert imported == original, original["id"]


def test_round_trip_of_each_pool(shipped):
    course, _ = shipped
    files = question_files(SHIPPED)
    for pool, questions in [("final", course.pool)] + [
        (m.key, m.questions) for m in course.modules
    ]:
        result = export_course(course, files, pool)
        back = import_questions(result.text, "gift", display="x.gift")
        assert [q for q, _ in back.questions] == [yamlfile.plain(q) for q in questions], pool


def test_every_weight_is_one_moodle_accepts(exported):
    parsed = parse_gift(exported.text)
    assert parsed.errors == []
    for q in parsed.questions:
        if q.kind != "multichoice":
            continue
        assert all(a.weight in MOODLE_FRACTIONS for a in q.answers), q.name
        if q.single:  # Moodle: one answer must be worth 100%
            assert max(a.weight for a in q.answers) == 100, q.name
        else:  # Moodle: the positive weights must add up to 100%
            assert round(sum(a.weight for a in q.answers if a.weight > 0) / 100, 2) == 1, q.name


def test_each_question_carries_its_id_number_and_its_section_as_category(exported):
    parsed = parse_gift(exported.text)
    q = next(q for q in parsed.questions if q.idnumber == "final-scope-01")
    assert q.category == "$course$/social-media-policy/final/purpose-scope"
    assert q.text.format == "markdown" and q.name == "final-scope-01"


ALL_OR_NOTHING_QUESTION = """\
- id: voice-aon
  type: multiple
  scoring: all_or_nothing
  section: voice
  prompt: Who may speak for the Company?
  choices:
    - {text: Communications, correct: true}
    - {text: The spokesperson on duty, correct: true}
    - {text: Anyone who knows the facts}
  feedback: Only the people the Company names speak for it.
"""


def test_all_or_nothing_questions_are_flagged_where_moodle_scores_them_differently(mini_course):
    (mini_course / "questions" / "voice.yaml").write_text(ALL_OR_NOTHING_QUESTION)
    result = export_questions(mini_course, "voice")
    (note,) = [str(f) for f in result.findings]
    assert note.endswith(
        "questions/voice.yaml:1: question 'voice-aon': Moodle scores it "
        "differently (all_or_nothing here): picking only 'Communications' scores "
        "50% in Moodle and 0% here; picking only 'The spokesperson on duty' "
        "scores 50% in Moodle and 0% here"
    )
    assert "// note: Moodle scores it differently (all_or_nothing here)" in result.text
    assert "~%50%Communications" in result.text and "~%-100%Anyone who knows" in result.text
    back = import_questions(result.text, "gift", display="x.gift").questions[0][0]
    assert back["scoring"] == "all_or_nothing"  # the tag brings it back


def test_unknown_pool_is_an_error(shipped):
    result = export_course(shipped[0], question_files(SHIPPED), "nope")
    assert [f.level for f in result.findings] == ["error"]
    assert "no question pool 'nope'" in result.findings[0].message


def test_a_course_with_problems_is_not_exported(mini_course):
    (mini_course / "questions" / "basics.yaml").write_text("- id: x\n  type: single\n")
    result = export_questions(mini_course)
    assert result.text == "" and result.findings and result.findings[0].line >= 1


# --------------------------------------------------------------------------- the writer


def test_special_characters_newlines_and_format_lookalikes_survive():
    raw = {
        "id": "odd",
        "type": "single",
        "section": "s",
        "prompt": "[html] is no tag here: {a} ~ = # \\ and\na second line",
        "choices": [
            {"text": "[plain] neither", "correct": True, "feedback": "x: #1 -> ok"},
            {"text": "a -> b"},
        ],
        "feedback": "####not general\n\nTwo paragraphs.",
    }
    text = write_question(course_to_gift(raw)[0])
    assert "\n\n" not in text  # a blank line would end the question in Moodle
    back = import_questions(text, "gift", display="x.gift", section="s")
    assert back.questions[0][0] == {**raw, "choices": [raw["choices"][0], {"text": "a -> b"}]}


def test_matching_item_with_an_arrow_cannot_be_written():
    raw = {
        "id": "m",
        "type": "matching",
        "section": "s",
        "prompt": "Match",
        "feedback": "f",
        "pairs": [{"left": "a -> b", "right": "1"}, {"left": "c", "right": "2"}],
    }
    with pytest.raises(GiftWriteError, match="contains '->'"):
        write_question(course_to_gift(raw)[0])


def test_true_false_is_one_line_with_general_feedback():
    raw = {
        "id": "t",
        "type": "true_false",
        "section": "s",
        "prompt": "Sky is blue",
        "answer": True,
        "feedback": "It is.",
    }
    assert write_question(course_to_gift(raw)[0]) == (
        "// [id:t]\n::t::[markdown]Sky is blue{TRUE####It is.}\n"
    )


# --------------------------------------------------------------------------- the command


def test_command_by_course_id(cli, mini_course, tmp_path):
    out = tmp_path / "mini.gift"
    result = cli("export-questions", "mini", "--pool", "final", "--format", "gift", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "6 question(s) exported" in result.stderr
    assert len(parse_gift(out.read_text()).questions) == 6


def test_command_by_folder_to_standard_output(cli):
    result = cli("export-questions", str(SHIPPED), "--pool", "why-a-policy", "--format", "gift")
    assert result.exit_code == 0
    assert "$CATEGORY: $course$/social-media-policy/why-a-policy/purpose-scope" in result.stdout


def test_command_unknown_course_or_pool(cli, mini_course):
    assert "no course 'nope'" in cli("export-questions", "nope", "--format", "gift").output
    result = cli("export-questions", "mini", "--pool", "nope", "--format", "gift")
    assert result.exit_code == 1 and "Nothing was exported." in result.stderr


def test_facts_travel_as_tags():
    raw = {
        "id": "f",
        "type": "true_false",
        "section": "s",
        "prompt": "P",
        "answer": True,
        "feedback": "F",
        "facts": ["scope-definition"],
    }
    question, _ = course_to_gift(raw)
    assert question.tags == ["fact-scope-definition"]
    text = write_question(question)
    assert "// [id:f] [tag:fact-scope-definition]" in text
    back = import_questions(text, "gift", display="x.gift", section="s").questions[0][0]
    assert back.get("facts") == (["scope-definition"] if FACTS_KEY else None)
