"""A certificate cannot be earned without knowing the policy.

Bots that always pick the first, the last, the longest or a random shown choice, and a
bot that reads the page's HTML (its answer values), take the shipped course's final
assessment and its required scenarios 200 times each, through the same functions the
pages use: the draw, ``page_questions`` (what a page holds), the answer tokens, grading,
and for scenarios the per-run choice order and tokens. Each must fail at least 95% of
the time, and reading the HTML must not help.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from lms.courses.source import load_course
from lms.courses.yamlfile import plain
from lms.domain import scenarios as engine
from lms.domain.draw import present_all
from lms.domain.questions import (
    grade,
    parse_question,
    passed,
    question_from_dict,
    question_to_dict,
    score_percent,
)
from lms.quizzes.tokens import page_questions, responses_from_tokens
from lms.scenarios.choices import index_of, page_choices

COURSE = Path(__file__).resolve().parents[2] / "courses" / "social-media-policy"
RUNS = 200
MAX_PASS_RATE = 0.05


def _pick(strategy: str, options: list[dict], rng: random.Random) -> dict:
    """One of the shown options (dicts with ``token`` and ``text``), by a strategy."""
    if strategy == "first":
        return options[0]
    if strategy == "last":
        return options[-1]
    if strategy == "longest":
        return max(options, key=lambda o: len(o["text"]))
    if strategy == "html":  # reads the page: the smallest answer value
        return min(options, key=lambda o: o["token"])
    return rng.choice(options)


def _bot_form(strategy: str, questions: list[dict], rng: random.Random) -> MultiDict:
    form = MultiDict()
    for q in questions:
        if q["type"] == "matching":
            for p in q["pairs"]:
                form.add(f"q-{q['id']}-{p['id']}", _pick(strategy, q["options"], rng)["token"])
        else:
            form.add(f"q-{q['id']}", _pick(strategy, q["choices"], rng)["token"])
    return form


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE)[0]


def _final_pass_rate(course, strategy: str) -> tuple[float, float]:
    pool = [question_from_dict(question_to_dict(parse_question(plain(q)))) for q in course.pool]
    settings = course.settings["assessment"]
    rng = random.Random(strategy)
    passes, scores = 0, []
    for run in range(RUNS):
        attempt = SimpleNamespace(
            id=10_000 + run, questions=present_all(pool, f"seed-{run}", settings["draw"])
        )
        page = page_questions(attempt)
        responses = responses_from_tokens(attempt, _bot_form(strategy, page, rng))
        percent = score_percent([grade(q, responses[q["id"]]) for q in attempt.questions])
        passes += passed(percent, settings["pass_mark"])
        scores.append(percent)
    return passes / RUNS, sum(scores) / RUNS


@pytest.mark.parametrize("strategy", ["first", "last", "longest", "random", "html"])
def test_guessing_bots_fail_the_final_assessment(app_ctx, course, strategy):
    rate, _mean = _final_pass_rate(course, strategy)
    assert rate <= MAX_PASS_RATE, f"{strategy}: passed {rate:.0%} of {RUNS} attempts"


def test_reading_the_html_does_no_better_than_guessing(app_ctx, course):
    _, html_mean = _final_pass_rate(course, "html")
    _, random_mean = _final_pass_rate(course, "random")
    assert html_mean <= random_mean + 5, (html_mean, random_mean)


def _scenario_pass_rate(source, strategy: str) -> float:
    scenario = engine.parse_scenario(source.data)
    raw_nodes = {n["id"]: n for n in source.data["nodes"]}
    rng = random.Random(strategy + source.key)
    passes = 0
    for run_id in range(1, RUNS + 1):
        path: tuple = ()
        node = engine.current_node(scenario, path)
        while not node.is_end:
            chosen = _pick(strategy, page_choices(run_id, node, raw_nodes[node.id]), rng)
            path = engine.take_choice(
                scenario, path, node.id, index_of(run_id, node, chosen["token"])
            )
            node = engine.current_node(scenario, path)
        passes += engine.result(scenario, path, pass_mark=source.pass_mark).passed
    return passes / RUNS


@pytest.mark.parametrize("strategy", ["first", "last", "longest", "random", "html"])
def test_guessing_bots_fail_every_required_scenario(app_ctx, course, strategy):
    required = [s for s in course.scenarios if s.required]
    assert len(required) >= 3
    rates = {s.key: _scenario_pass_rate(s, strategy) for s in required}
    assert all(rate <= MAX_PASS_RATE for rate in rates.values()), f"{strategy}: {rates}"


def test_a_node_can_keep_its_order(app_ctx):
    raw = {
        "id": "n",
        "text": "How often?",
        "choices": [
            {"text": t, "next": "end", "score": 1, "section": "s", "feedback": ""}
            for t in ("never", "sometimes", "always")
        ],
    }
    node = engine.node_kind_of(raw).parse(raw)
    fixed = [c["text"] for c in page_choices(7, node, {**raw, "shuffle": False})]
    assert fixed == ["never", "sometimes", "always"]
    orders = {tuple(c["text"] for c in page_choices(run, node, raw)) for run in range(1, 40)}
    assert len(orders) > 1  # shuffled per run otherwise
    assert page_choices(7, node, raw) == page_choices(7, node, raw)  # the same on reload
