"""Feedback on a matching question names what the learner chose for each item."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.courses.test_learner_path import pass_module


@pytest.fixture
def learner(app, client, synced, make_person):
    person = make_person("lea@example.com")
    login(client, "lea@example.com")
    return person


def item(html: str, left: str) -> str:
    match = re.search(rf"<li>{left} →(.*?)</li>", html, re.S)
    assert match, f"no feedback line for {left!r}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_wrong_matches_show_the_choice_and_the_right_answer(app, client, learner):
    _, html = pass_module(app, client, learner, "voice", right=False)
    angry = item(html, "Angry comment")
    assert "Your answer: Point to support" in angry and "wrong" in angry
    assert "Right answer: Report it" in angry
    assert "…" not in angry


def test_right_matches_say_so(app, client, learner):
    _, html = pass_module(app, client, learner, "voice", right=True)
    for left, right in (("Angry comment", "Report it"), ("Refund demand", "Point to support")):
        line = item(html, left)
        assert f"Your answer: {right}" in line and "right" in line and "Right answer" not in line
