"""The GIFT reader: every documented feature, Moodle's examples, and located syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.courses import yamlfile
from lms.interop.gift_parser import parse_gift
from lms.interop.questions_io import import_questions

FIXTURES = Path(__file__).parent / "fixtures"


def one(text: str):
    parsed = parse_gift(text)
    assert parsed.errors == [], parsed.errors
    assert len(parsed.questions) == 1, parsed.questions
    return parsed.questions[0]


def answers(q):
    return [(a.text.text, a.weight, a.feedback.text if a.feedback else None) for a in q.answers]


# --------------------------------------------------------------------------- features


def test_title_comments_and_multi_line_question():
    q = one(
        "// a comment line\n::Support channel::Complaints go\n// inside too\nto the {\n"
        "  ~personal\n  =official\n} channel.\n"
    )
    assert q.name == "Support channel"
    assert q.text.text == "Complaints go\nto the _____ channel."  # missing word: Moodle's blank
    assert (q.line, q.col) == (2, 1)
    assert answers(q) == [("personal", 0, None), ("official", 100, None)]


def test_answers_at_the_end_leave_no_blank():
    assert one("Where do complaints go?{~here =there}").text.text == "Where do complaints go?"


def test_categories_apply_to_the_questions_after_them():
    parsed = parse_gift(
        "Q1{T}\n\n$CATEGORY: $course$/top/policy/scope\n\nQ2{T}\n\n"
        "// switch\n$CATEGORY: other\n\nQ3{F}\n"
    )
    assert [(q.text.text, q.category) for q in parsed.questions] == [
        ("Q1", None),
        ("Q2", "$course$/top/policy/scope"),
        ("Q3", "other"),
    ]


def test_id_number_and_tags_come_from_the_comments():
    q = one(
        "// question: 12  name: x\n// [id:scope-01] [tag:audio] [tag:  onboarding ]\n"
        "// [tag:t\\]ag]\nQ{T}\n"
    )
    assert q.idnumber == "scope-01"
    assert q.tags == ["audio", "onboarding", "t]ag"]


@pytest.mark.parametrize("fmt", ["markdown", "html", "plain", "moodle"])
def test_formats_on_text_answers_and_feedback(fmt):
    q = one(f"[{fmt}]Pick **one**{{=[plain]right#[html]<b>yes</b> ~wrong#no####[markdown]*why*}}")
    assert (q.text.text, q.text.format) == ("Pick **one**", fmt)
    assert (q.answers[0].text.format, q.answers[0].feedback.format) == ("plain", "html")
    assert (q.answers[1].text.format, q.answers[1].feedback.format) == (
        fmt,
        fmt,
    )  # default: the text's
    assert (q.general_feedback.text, q.general_feedback.format) == ("*why*", "markdown")


def test_unknown_format_tag_stays_text():
    assert one("[draft] Pick one{=a ~b}").text.text == "[draft] Pick one"


def test_escapes():
    q = one(r"::a\:b:: Costs \{1\} \~ \= \# \\ line\nbreak{=\=2 ~\~3#\#tag}")
    assert q.name == "a:b"
    assert q.text.text == "Costs {1} ~ = # \\ line\nbreak"
    assert answers(q) == [("=2", 100, None), ("~3", 0, "#tag")]


def test_double_backslash_then_a_control_character():
    # "\\" is a backslash; the "~" after it is a real answer marker (Moodle: MDL-34171).
    assert answers(one(r"Q{=a\\ ~b}")) == [("a\\", 100, None), ("b", 0, None)]


def test_per_answer_and_general_feedback_over_several_lines():
    q = one("Q{\n  ~wrong #no,\n      not that one\n  =right #yes\n  ####Because\n  it is.\n}")
    assert answers(q) == [("wrong", 0, "no,\n      not that one"), ("right", 100, "yes")]
    assert q.general_feedback.text == "Because\n  it is."


@pytest.mark.parametrize(
    "weight, value",
    [
        ("50", 50.0),
        ("-50", -50.0),
        ("33.33333", 33.33333),
        ("-12.5", -12.5),
        ("100", 100.0),
        ("0", 0.0),
        ("5", 5.0),
    ],
)
def test_percentage_weights(weight, value):
    q = one(f"Q{{~%{weight}%a#fb ~%50%b ~c}}")
    assert q.answers[0].weight == value and q.answers[0].text.text == "a"
    assert q.single is False  # no "=" answer: several may be picked, as in Moodle


def test_multiple_answers_question():
    q = one("Which two? {\n ~%-50%Nobody\n ~%50%Owner\n ~%50%Backup\n ~%-50%Password }")
    assert q.kind == "multichoice" and not q.single
    assert [a.weight for a in q.answers] == [-50, 50, 50, -50]


def test_a_percent_sign_that_is_no_weight_is_text():
    assert answers(one("Q{=a ~%20 off}"))[1] == ("%20 off", 0, None)


@pytest.mark.parametrize(
    "body, truth", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false(body, truth):
    q = one(f"The sky is blue.{{{body}}}")
    assert (q.kind, q.truth, q.wrong_feedback, q.right_feedback) == ("truefalse", truth, None, None)


def test_true_false_with_feedbacks_and_general_feedback():
    q = one("Deleting removes every copy.{\nFALSE#Copies survive.#Right.\n####Screenshots.}")
    assert q.truth is False
    assert (q.wrong_feedback.text, q.right_feedback.text) == ("Copies survive.", "Right.")
    assert q.general_feedback.text == "Screenshots."


def test_matching_with_a_distractor():
    q = one(
        "Match. {\n =Canada -> Ottawa\n =Italy->Rome\n =[html]<b>Japan</b> -> Tokyo\n = -> Paris\n}"
    )
    assert q.kind == "matching"
    assert [(p.left.text, p.left.format, p.right) for p in q.pairs] == [
        ("Canada", "moodle", "Ottawa"),
        ("Italy", "moodle", "Rome"),
        ("<b>Japan</b>", "html", "Tokyo"),
        ("", "moodle", "Paris"),
    ]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Who speaks?{=Communications =Comms}", "shortanswer"),
        ("Year?{#2019:1}", "numerical"),
        ("Year?{#\n =2019:0\n =%50%2019:2}", "numerical"),
        ("How do you feel?{}", "essay"),
        ("Just some text to read.", "description"),
        ("Capital {=Paris} and river {=Seine}.", "embedded"),
        ("Capital {1:SHORTANSWER:=Paris}.", "embedded"),
        ("Answer {true}", "shortanswer"),
    ],
)
def test_types_this_product_does_not_grade_are_recognised(text, kind):
    assert one(text).kind == kind


def test_lower_case_true_is_a_short_answer_as_in_moodle_with_a_hint():
    assert "{T}" in one("Answer {true}").hint


# --------------------------------------------------------------------------- Moodle's files

# (line, kind, single) for every question of fixtures/moodle_examples.gift, which mirrors
# Moodle's examples.txt question by question.
EXAMPLES = [
    (8, "multichoice"),
    (10, "multichoice"),
    (12, "truefalse"),
    (14, "shortanswer"),
    (16, "numerical"),
    (25, "multichoice"),
    (27, "multichoice"),
    (29, "multichoice"),
    (35, "multichoice"),
    (43, "shortanswer"),
    (45, "shortanswer"),
    (49, "truefalse"),
    (51, "truefalse"),
    (55, "matching"),
    (61, "matching"),
    (70, "numerical"),
    (72, "numerical"),
    (74, "numerical"),
    (76, "numerical"),
    (85, "numerical"),
    (90, "shortanswer"),
    (93, "multichoice"),
    (98, "multichoice"),
    (103, "shortanswer"),
    (108, "shortanswer"),
    (113, "truefalse"),
    (115, "multichoice"),
    (117, "multichoice"),
    (123, "shortanswer"),
    (130, "multichoice"),
    (136, "multichoice"),
    (143, "multichoice"),
    (148, "multichoice"),
    (166, "multichoice"),
    (168, "multichoice"),
    (170, "truefalse"),
    (172, "shortanswer"),
    (174, "numerical"),
    (176, "matching"),
    (183, "multichoice"),
    (189, "multichoice"),
    (194, "shortanswer"),
    (201, "numerical"),
]


def test_moodle_examples_file_reads_without_errors_and_with_moodles_types():
    parsed = parse_gift((FIXTURES / "moodle_examples.gift").read_text())
    assert parsed.errors == []
    assert [(q.line, q.kind) for q in parsed.questions] == EXAMPLES


def test_moodle_examples_details():
    by_line = {
        q.line: q for q in parse_gift((FIXTURES / "moodle_examples.gift").read_text()).questions
    }
    assert answers(by_line[117])[3] == (
        "#social-escalations",
        100,
        "Yes, that is the channel for it.",
    )
    assert [a.weight for a in by_line[117].answers] == [0, 25, 50, 100]
    control = by_line[148]
    assert [a.text.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answers[5].feedback.text.endswith("so a real backslash is written twice.")
    assert [a.text.text for a in by_line[143].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert by_line[176].text.text == "Match each request with the team\nthat handles it."
    assert by_line[108].text.format == "markdown"


def test_moodle_fixture_file():
    parsed = parse_gift((FIXTURES / "moodle_fixtures.gift").read_text())
    assert parsed.errors == []
    got = {q.name: q for q in parsed.questions}
    assert got["Q8"].kind == "essay" and got["Q8"].category == "$course$/Default for New Features"
    assert got["Channels"].pairs[-1].left.text == "" and got["Channels"].text.format == "html"
    assert answers(got["register"])[1] == ("the password", -100, "wrong")
    assert got["register"].answers[3].text.format == "plain"
    assert got["Greeting"].text.text.startswith('<a href="http://intranet.example/welcome.mp3">')
    assert (got["Greeting"].idnumber, got["Greeting"].tags) == (
        "greeting-01",
        ["audio", "onboarding"],
    )
    assert got["Acronym"].text.text == (
        'SSO stands for <span style="font-style: italic;">single sign-on</span>.'
    )


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "text, line, col, fragment",
    [
        ("Q {~a ~b\n", 1, 3, "not closed with '}'"),
        ("Q ~a =b}\n", 1, 8, "'}' without an opening '{'"),
        ("Q {~a {~b} }\n", 1, 7, "'{' inside an answer block"),
        ("::Title Q {~a =b}\n", 1, 1, "never closed with '::'"),
        ("Q {\n  stray ~a =b}\n", 2, 3, "text before the first answer"),
        ("Q {~%150%a =b}\n", 1, 5, "bad weight '%150%'"),
        ("Q {~%5.5.5%a =b}\n", 1, 5, "bad weight"),
        ("Q {=%50%a ~b}\n", 1, 5, "write ~%50%answer"),
        ("Q {~only}\n", 1, 3, "at least 2 answers"),
        ("Q {~a ~ #fb}\n", 1, 7, "this answer has no text"),
        ("Match {\n =a -> 1\n =b 2\n}\n", 3, 2, "needs '->'"),
        ("Match {=a -> 1 =b -> }\n", 1, 16, "nothing after '->'"),
        ("Match {=a -> 1 = -> 2}\n", 1, 7, "at least 2 pairs"),
        ("$CATEGORY: x\nQ{T}\n", 2, 1, "blank line after the $CATEGORY line"),
        ("$CATEGORY:\n", 1, 1, "needs a category name"),
    ],
)
def test_syntax_errors_have_line_and_column(text, line, col, fragment):
    parsed = parse_gift("// leading comment\n\n" + text)
    assert len(parsed.errors) == 1, parsed.errors
    error = parsed.errors[0]
    assert (error.line, error.col) == (line + 2, col), error
    assert fragment in error.message


def test_a_blank_line_inside_the_answers_ends_the_question():
    parsed = parse_gift("Q {~a\n\n=b}\n")
    assert [(e.line, e.col) for e in parsed.errors] == [(1, 3), (3, 3)]
    assert "a blank line ends a question" in parsed.errors[0].message


def test_every_broken_question_is_reported_and_the_good_ones_kept():
    parsed = parse_gift("Good{T}\n\nBad {~a\n\nAlso good{=x ~y}\n\nBad too}\n")
    assert [q.text.text for q in parsed.questions] == ["Good", "Also good"]
    assert [(e.line, e.col) for e in parsed.errors] == [(3, 5), (7, 8)]


def test_windows_line_endings_and_a_byte_order_mark():
    parsed = parse_gift("\ufeff::A::Q{\r\n=a\r\n~b}\r\n\r\nR{T}")
    assert [q.name for q in parsed.questions] == ["A", None] and parsed.errors == []


# --------------------------------------------------------------------------- any input

_GIFT_CHARS = "~=#{}:\\%->[]TF \n\t/$aZ01.*_<"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_GIFT_CHARS, max_size=80))
def test_any_text_is_read_or_reported_never_raises(text):
    parsed = parse_gift(text)
    assert all(e.line >= 1 and e.col >= 1 for e in parsed.errors)
    result = import_questions(text, "gift", display="any.gift", section="scope")
    assert all(f.line >= 1 for f in result.findings)
    if not result.errors and result.questions:  # and the YAML reads back to the same questions
        assert yamlfile.load(result.to_yaml("any.gift")) == [q for q, _ in result.questions]
