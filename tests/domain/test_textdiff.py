"""Tables of cases and properties for lms.domain.textdiff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.domain.textdiff import (
    ParagraphDiff,
    SectionChange,
    changed_keys,
    compare_sections,
    diff_html,
    paragraph_diff,
    split_paragraphs,
    tokenize,
    word_diff,
)

# --- sections ---------------------------------------------------------------------------

OLD = [
    ("purpose", "Purpose", "Why we have this policy."),
    ("scope", "Scope", "Everyone."),
    ("personal", "Personal use", "Be careful."),
]


def test_identical_versions_are_all_unchanged():
    changes = compare_sections(OLD, OLD)
    assert [c.kind for c in changes] == ["unchanged"] * 3
    assert changes[0] == SectionChange(
        "purpose",
        "unchanged",
        "Purpose",
        "Purpose",
        "Why we have this policy.",
        "Why we have this policy.",
    )
    assert changed_keys(OLD, OLD) == set()


def test_added_removed_changed_and_renamed_sections():
    new = [
        ("scope", "Scope", "Everyone, including contractors."),  # text changed, moved up
        ("purpose", "Why this policy", "Why we have this policy."),  # title only
        ("ai", "Generative AI", "Think first."),  # added
    ]
    changes = compare_sections(OLD, new)
    assert [(c.key, c.kind) for c in changes] == [
        ("scope", "changed"),
        ("purpose", "changed"),
        ("ai", "added"),
        ("personal", "removed"),
    ]
    added, removed = changes[2], changes[3]
    assert (added.old_title, added.old_text) == (None, None)
    assert (added.new_title, added.new_text) == ("Generative AI", "Think first.")
    assert (removed.new_title, removed.new_text) == (None, None)
    assert (removed.old_title, removed.old_text) == ("Personal use", "Be careful.")
    assert changes[1].old_title == "Purpose" and changes[1].new_title == "Why this policy"
    assert changed_keys(OLD, new) == {"scope", "purpose", "ai", "personal"}


def test_reordering_alone_changes_nothing():
    new = list(reversed(OLD))
    assert [c.key for c in compare_sections(OLD, new)] == ["personal", "scope", "purpose"]
    assert changed_keys(OLD, new) == set()


def test_removed_sections_follow_old_order():
    new = [("scope", "Scope", "Everyone.")]
    assert [(c.key, c.kind) for c in compare_sections(OLD, new)] == [
        ("scope", "unchanged"),
        ("purpose", "removed"),
        ("personal", "removed"),
    ]


def test_empty_versions():
    assert compare_sections([], []) == []
    assert [c.kind for c in compare_sections([], OLD)] == ["added"] * 3
    assert [c.kind for c in compare_sections(OLD, [])] == ["removed"] * 3


def test_whitespace_difference_counts_as_a_change():
    new = [("purpose", "Purpose", "Why we have this policy.\n")]
    assert compare_sections(OLD[:1], new)[0].kind == "changed"


@pytest.mark.parametrize("which", ["old", "new"])
def test_duplicate_keys_are_refused(which):
    dup = [("a", "A", "x"), ("a", "A again", "y")]
    args = (dup, []) if which == "old" else ([], dup)
    with pytest.raises(ValueError, match=f"duplicate section key 'a' in the {which}"):
        compare_sections(*args)


# --- words ------------------------------------------------------------------------------


def test_tokens_keep_whitespace_and_punctuation():
    assert tokenize("  Do not, ever.\nPost") == ["  ", "Do ", "not, ", "ever.\n", "Post"]
    assert tokenize("") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("same words here", "same words here", [("equal", "same words here")]),
        ("", "", []),
        ("", "new text", [("insert", "new text")]),
        ("old text", "", [("delete", "old text")]),
        (
            "Do not post photos.",
            "Do not ever post photos.",
            [("equal", "Do not "), ("insert", "ever "), ("equal", "post photos.")],
        ),
        (
            "Ask your manager first.",
            "Ask first.",
            [("equal", "Ask "), ("delete", "your manager "), ("equal", "first.")],
        ),
        (
            "Ask your manager first.",
            "Ask the comms team first.",
            [
                ("equal", "Ask "),
                ("delete", "your manager "),
                ("insert", "the comms team "),
                ("equal", "first."),
            ],
        ),
        (
            "Report it today.",
            "Report it today!",
            [("equal", "Report it "), ("delete", "today."), ("insert", "today!")],
        ),
    ],
)
def test_word_diff_table(old, new, expected):
    assert word_diff(old, new) == expected


def old_side(ops):
    return "".join(text for op, text in ops if op in ("equal", "delete"))


def new_side(ops):
    return "".join(text for op, text in ops if op in ("equal", "insert"))


# Small alphabets so the two texts share words and the matcher has real work to do.
words = st.sampled_from(["the", "policy", "post", "a", "photo", "<b>", "&", "é", "x."])
spaces = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n \n"])
texts = st.lists(st.tuples(st.sampled_from(["", " ", "\n"]), words, spaces), max_size=30).map(
    lambda parts: "".join(a + b + c for a, b, c in parts)
)


@given(texts, texts)
def test_word_diff_rebuilds_both_texts(old, new):
    ops = word_diff(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))
    assert {op for op, _ in ops} <= {"equal", "insert", "delete"}


@given(st.text(), st.text())
def test_word_diff_rebuilds_any_text(old, new):
    ops = word_diff(old, new)
    assert (old_side(ops), new_side(ops)) == (old, new)


@given(texts)
def test_word_diff_of_identical_texts_is_all_equal(text):
    assert word_diff(text, text) == ([("equal", text)] if text else [])


# --- paragraphs -------------------------------------------------------------------------


def test_split_paragraphs():
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\n \n") == []
    assert split_paragraphs("One\nline two\n\n  \n\nTwo.\r\n\r\nThree.  ") == [
        "One\nline two",
        "Two.",
        "Three.",
    ]


def test_paragraph_diff_keeps_unchanged_paragraphs():
    old = "Intro.\n\nDo not post photos.\n\nOutro."
    new = "Intro.\n\nDo not ever post photos.\n\nOutro.\n\nNew closing."
    assert paragraph_diff(old, new) == [
        ParagraphDiff("equal", "Intro.", "Intro.", (("equal", "Intro."),)),
        ParagraphDiff(
            "changed",
            "Do not post photos.",
            "Do not ever post photos.",
            (("equal", "Do not "), ("insert", "ever "), ("equal", "post photos.")),
        ),
        ParagraphDiff("equal", "Outro.", "Outro.", (("equal", "Outro."),)),
        ParagraphDiff("insert", None, "New closing.", (("insert", "New closing."),)),
    ]


def test_paragraph_diff_of_deleted_paragraph():
    assert [p.op for p in paragraph_diff("A.\n\nB.\n\nC.", "A.\n\nC.")] == [
        "equal",
        "delete",
        "equal",
    ]


def test_paragraph_diff_of_empty_texts():
    assert paragraph_diff("", "") == []
    assert paragraph_diff("", "New.") == [
        ParagraphDiff("insert", None, "New.", (("insert", "New."),))
    ]
    assert paragraph_diff("Old.", "") == [
        ParagraphDiff("delete", "Old.", None, (("delete", "Old."),))
    ]


def test_uneven_replacement_pairs_then_leaves_the_rest():
    diff = paragraph_diff("Keep.\n\nOne.", "Keep.\n\nUno.\n\nDos.")
    assert [p.op for p in diff] == ["equal", "changed", "insert"]


@given(texts, texts)
def test_paragraph_diff_rebuilds_both_sides(old, new):
    diff = paragraph_diff(old, new)
    assert [old_side(p.words) for p in diff if p.old is not None] == split_paragraphs(old)
    assert [new_side(p.words) for p in diff if p.new is not None] == split_paragraphs(new)
    for p in diff:
        if p.old is not None:
            assert old_side(p.words) == p.old
        if p.new is not None:
            assert new_side(p.words) == p.new


# --- html -------------------------------------------------------------------------------


def test_diff_html_marks_insertions_deletions_and_unchanged():
    old = "Intro.\n\nAsk your manager first."
    new = "Intro.\n\nAsk the comms team first."
    assert diff_html(old, new) == (
        '<p class="diff-para diff-same">Intro.</p>\n'
        '<p class="diff-para">Ask <del>your manager </del><ins>the comms team </ins>first.</p>'
    )


def test_diff_html_of_empty_texts():
    assert diff_html("", "") == ""
    assert diff_html("", "Hi") == '<p class="diff-para"><ins>Hi</ins></p>'
    assert diff_html("Bye", "") == '<p class="diff-para"><del>Bye</del></p>'


def test_diff_html_escapes_everything():
    old = "Fine <b>bold</b> & \"quoted\" 'text'."
    new = "Fine <script>alert('x')</script> & \"quoted\" 'text'."
    out = diff_html(old, new)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    assert "&amp; &quot;quoted&quot; &#x27;text&#x27;." in out
    unchanged = diff_html("<script>x</script>", "<script>x</script>")
    assert unchanged == '<p class="diff-para diff-same">&lt;script&gt;x&lt;/script&gt;</p>'


@given(texts, texts)
def test_diff_html_contains_no_markup_from_the_inputs(old, new):
    out = diff_html(old, new)
    stripped = out
    for tag in (
        '<p class="diff-para diff-same">',
        '<p class="diff-para">',
        "</p>",
        "<ins>",
        "</ins>",
        "<del>",
        "</del>",
    ):
        stripped = stripped.replace(tag, "")
    assert "<" not in stripped and ">" not in stripped
