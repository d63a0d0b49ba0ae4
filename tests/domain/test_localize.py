"""Localizing values keeps every id, token, score and answer and replaces only words."""

from __future__ import annotations

from lms.domain import localize

WORDS = {"true": "Tosi", "false": "Epätosi"}
SINGLE = {
    "id": "q1",
    "type": "single",
    "section": "s",
    "prompt": "Which?",
    "feedback": "Because.",
    "choices": [
        {"id": "c2", "text": "Right", "correct": True, "feedback": None},
        {"id": "c1", "text": "Wrong", "correct": False, "feedback": "No."},
    ],
}
TEXT = {
    "prompt": "Kumpi?",
    "prompt_html": "Kumpi?",
    "feedback": "Siksi.",
    "feedback_html": "<p>Siksi.</p>",
    "choices": {
        "c1": {"text": "Väärin", "feedback": "Ei."},
        "c2": {"text": "Oikein", "feedback": None},
    },
}


def test_a_shown_question_keeps_its_order_ids_and_key():
    out = localize.shown_question(SINGLE, TEXT, WORDS)
    assert [(c["id"], c["text"], c["correct"], c["feedback"]) for c in out["choices"]] == [
        ("c2", "Oikein", True, None),
        ("c1", "Väärin", False, "Ei."),
    ]
    assert out["prompt"] == "Kumpi?" and out["feedback_html"] == "<p>Siksi.</p>"
    assert SINGLE["choices"][0]["text"] == "Right"  # the snapshot itself is untouched


def test_without_a_translation_only_true_and_false_change():
    shown = {
        "id": "t",
        "type": "true_false",
        "prompt": "Sky is blue.",
        "feedback": "",
        "choices": [
            {"id": "true", "text": "True", "correct": True},
            {"id": "false", "text": "False", "correct": False},
        ],
    }
    assert [c["text"] for c in localize.shown_question(shown, None, WORDS)["choices"]] == [
        "Tosi",
        "Epätosi",
    ]
    assert localize.shown_question(SINGLE, None, WORDS) == SINGLE


def test_a_page_question_keeps_its_tokens_and_translates_matching_options_by_source_text():
    shown = {
        "id": "m",
        "type": "matching",
        "prompt": "Match.",
        "feedback": "",
        "pairs": [{"id": "p1", "left": "Angry", "right": "Report"}],
        "options": ["Ignore", "Report"],
    }
    page = {
        "id": "m",
        "type": "matching",
        "prompt": "Match.",
        "prompt_html": "Match.",
        "pairs": [{"id": "p1", "left": "Angry"}],
        "options": [{"token": "a1", "text": "Ignore"}, {"token": "a2", "text": "Report"}],
    }
    text = {
        "prompt": "Yhdistä.",
        "prompt_html": "Yhdistä.",
        "pairs": {"p1": {"left": "Vihainen", "right": "Ilmoita"}},
        "options": {"Report": "Ilmoita"},
    }
    out = localize.page_question(shown, page, text, WORDS)
    assert out["pairs"] == [{"id": "p1", "left": "Vihainen"}] and out["prompt_html"] == "Yhdistä."
    assert out["options"] == [{"token": "a1", "text": "Ignore"}, {"token": "a2", "text": "Ilmoita"}]


def test_a_scenario_node_keeps_scores_sections_and_links():
    node = {
        "id": "n",
        "text": "Hi",
        "text_html": "<p>Hi</p>",
        "choices": [
            {"text": "Go", "next": "end", "score": 10, "section": "s", "feedback_html": "<p>Ok</p>"}
        ],
    }
    out = localize.scenario_node(
        node, {"text_html": "<p>Moi</p>", "choices": [{"text": "Mene", "feedback_html": ""}]}
    )
    assert out["text_html"] == "<p>Moi</p>"
    assert out["choices"] == [
        {"text": "Mene", "next": "end", "score": 10, "section": "s", "feedback_html": "<p>Ok</p>"}
    ]
    assert (
        localize.scenario_node({"id": "end", "text": "Bye"}, {"text": "Hei", "choices": []})["text"]
        == "Hei"
    )


def test_a_stale_note_goes_where_the_item_has_html():
    assert localize.with_note("lesson", {"body_html": "<p>x</p>"}, "old")["body_html"].startswith(
        '<p class="hint translation-note">old</p>'
    )
    assert localize.with_note("question", {"prompt_html": "Q?"}, "old")["prompt_html"].endswith(
        "(old)</small>"
    )
    assert localize.with_note("module", {"title": "T"}, "old") == {"title": "T"}
