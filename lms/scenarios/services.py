"""Playing branching scenarios: runs, choices and the debrief.

The server holds the state. A run is its path of choice indexes; every page recomputes
the current node from the path with the pure engine in ``lms.domain.scenarios``. A
choice is recorded by a conditional UPDATE on ``steps`` (an optimistic lock), so the back
button, a second tab or a double click can never record a choice on a node the run has
already left: the loser gets ``StaleChoice`` and is shown where the run really is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.courses.models import CourseVersion, Scenario
from lms.courses.structure import structure
from lms.courses.versions import cached_version
from lms.db import session, utcnow
from lms.domain import scenarios as engine
from lms.domain.scenarios import InvalidChoice, ScenarioResult, StaleChoice, Step
from lms.i18n import locale_code
from lms.scenarios.choices import index_of, page_choices
from lms.scenarios.models import ScenarioRun
from lms.xapi import events as xapi

__all__ = [
    "InvalidChoice",
    "StaleChoice",
    "DecisionView",
    "choose",
    "current_run",
    "debrief",
    "decisions",
    "node_data",
    "parse",
    "path_of",
    "row_of",
    "runs_of",
    "scenario_for",
    "start_run",
    "summary_line",
]

_CACHE_KEY = "scenario_graphs"
_CACHE_SIZE = 256
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


# --------------------------------------------------------------------------- scenario rows


def scenario_for(version: CourseVersion, key: str) -> Scenario | None:
    """The scenario ``key`` of ``version``, or None (from the cached structure)."""
    return structure(version).scenario(key)


def own_run(person_id: int, run_id: int) -> ScenarioRun | None:
    """The run if it is the person's own; None for anyone else's or a missing one."""
    run = session.get(ScenarioRun, run_id)
    return run if run is not None and run.person_id == person_id else None


def row_of(run: ScenarioRun) -> Scenario | None:
    """The scenario row a run is played on (its own version, even after a newer sync)."""
    version = cached_version(run.version_id)  # versions never change: the process's copy
    return structure(version).scenario(run.scenario_key) if version is not None else None


def parse(row: Scenario) -> engine.Scenario:
    """The parsed graph of a scenario row, parsed once per row.

    Rows are immutable (a changed course makes a new version with new rows), so the
    parse is cached by row id. The cache lives with the app, not the module, so that two
    apps (or two test databases that reuse ids) never share entries.
    """
    cache: dict[tuple[int, int, str], engine.Scenario] = current_app.extensions[
        "lms"
    ].extra.setdefault(_CACHE_KEY, {})
    key = (row.id, row.version_id, row.key)
    graph = cache.get(key)
    if graph is None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        graph = cache[key] = engine.parse_scenario(row.data)
    return graph


def node_data(row: Scenario) -> dict[str, dict[str, Any]]:
    """The row's nodes (with their rendered ``*_html``) by node id."""
    return {node["id"]: node for node in row.data["nodes"]}


def summary_line(text: str, limit: int = 120) -> str:
    """A short plain summary of a node's Markdown text: the first sentence of its first
    paragraph, cut at a word boundary to at most ``limit`` characters."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("#>-+ ").strip()
        if not line:
            if lines:
                break
            continue
        lines.append(line)
    paragraph = " ".join(" ".join(lines).replace("*", "").replace("`", "").split())
    sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


# --------------------------------------------------------------------------- runs


def path_of(run: ScenarioRun, scenario: engine.Scenario) -> tuple[Step, ...]:
    """The run's stored indexes as a path (``InvalidChoice`` if the row is corrupt)."""
    return engine.path_from_indexes(scenario, run.path or [])


def current_run(person_id: int, course_id: int, key: str) -> ScenarioRun | None:
    """The person's latest unfinished run of scenario ``key``, or None."""
    return session.scalar(
        select(ScenarioRun)
        .where(
            ScenarioRun.person_id == person_id,
            ScenarioRun.course_id == course_id,
            ScenarioRun.scenario_key == key,
            ScenarioRun.finished_at.is_(None),
        )
        .order_by(ScenarioRun.id.desc())
        .limit(1)
    )


def runs_of(person_id: int, course_id: int, key: str) -> list[ScenarioRun]:
    """Every run of scenario ``key`` by the person, newest first (all runs are kept)."""
    return list(
        session.scalars(
            select(ScenarioRun)
            .where(
                ScenarioRun.person_id == person_id,
                ScenarioRun.course_id == course_id,
                ScenarioRun.scenario_key == key,
            )
            .order_by(ScenarioRun.id.desc())
        )
    )


def start_run(person_id: int, version: CourseVersion, row: Scenario) -> ScenarioRun:
    """Continue the unfinished run on this version, or start a new one.

    Pressing Start again (reload, second tab) resumes rather than starting over; once a
    run is finished, the next Start is a new run and the finished one is kept.
    """
    existing = current_run(person_id, version.course_id, row.key)
    if existing is not None and existing.version_id == version.id:
        return existing
    run = ScenarioRun(
        person_id=person_id,
        course_id=version.course_id,
        version_id=version.id,
        scenario_key=row.key,
        path=[],
        steps=0,
        locale=locale_code(),
    )
    session.add(run)
    try:
        signals.record_activity(person_id, version.course_id)  # flushes the run first
        session.commit()
    except IntegrityError:
        # A second Start at the same moment: the unique open-run index kept one; resume it.
        session.rollback()
        return current_run(person_id, version.course_id, row.key)
    return run


def choose(
    run: ScenarioRun, row: Scenario, node_id: Any, step: Any, choice_index: Any
) -> ScenarioRun:
    """Record choice ``choice_index`` at ``node_id``, posted from a page drawn at ``step``.

    Raises ``StaleChoice`` when the page was out of date (the run has moved on, is
    finished, or another request won the race) and ``InvalidChoice`` when the node has
    no such choice (forged input). When the choice reaches an end, the run is finished,
    scored and graded in the same UPDATE, and a passed run that completes the course is
    certified in the same transaction.
    """
    if run.finished_at is not None:
        raise StaleChoice("the run is already finished")
    if not isinstance(step, int) or isinstance(step, bool) or step != run.steps:
        raise StaleChoice(f"the page was drawn at step {step!r}, the run is at {run.steps}")
    scenario = parse(row)
    path = engine.take_choice(scenario, path_of(run, scenario), node_id, choice_index)
    outcome = engine.result(scenario, path, pass_mark=row.pass_mark)
    values: dict[str, Any] = {
        "path": [s.choice_index for s in path],
        "steps": len(path),
        "locale": locale_code(),
    }  # the language of the latest choice's page
    if outcome.finished:
        values.update(
            finished_at=utcnow(),
            outcome=outcome.outcome,
            score=outcome.score,
            passed=outcome.passed,
        )
    after_commit: list = []
    try:
        won = session.execute(
            update(ScenarioRun)
            .where(
                ScenarioRun.id == run.id,
                ScenarioRun.steps == step,
                ScenarioRun.finished_at.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won:
            _record_xapi(run, row, scenario, path, outcome, values)
        if won and outcome.finished and outcome.passed:
            # A passed run may be the last requirement: the certificate is committed with it.
            after_commit = signals.pass_requirement(run.person_id, run.course_id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(run)
    if not won:
        raise StaleChoice("another request recorded a choice first")
    if outcome.finished:
        signals.scenario_finished.send(current_app._get_current_object(), run=run)
    for announce in after_commit:
        announce()
    return run


def _record_xapi(run, row, scenario, path, outcome, values) -> None:
    """The decision just taken (and the finished run) as xAPI statements, in the transaction."""
    step = path[-1]
    node = scenario.node(step.node_id)
    choice = node.choices[step.choice_index]
    xapi.decision_answered(
        run,
        len(path),
        node.id,
        choice.text,
        choice.score,
        summary_line(node_data(row)[node.id].get("text", "")) or node.id,
    )
    if outcome.finished:
        xapi.scenario_completed(
            run, row.title, outcome.score, bool(outcome.passed), values["finished_at"]
        )


def choose_token(
    run: ScenarioRun, row: Scenario, node_id: Any, step: Any, token: Any
) -> ScenarioRun:
    """``choose`` with the choice as the page posts it: a token of this run and node."""
    scenario = parse(row)
    try:
        node = scenario.node(node_id) if isinstance(node_id, str) else None
    except KeyError:
        node = None
    index = index_of(run.id, node, token) if node is not None and isinstance(token, str) else None
    return choose(run, row, node_id, step, -1 if index is None else index)


def choices_for_page(run: ScenarioRun, row: Scenario, node: engine.Node) -> list[dict[str, str]]:
    """The node's choices as the page shows them (this run's order, opaque tokens)."""
    return page_choices(run.id, node, node_data(row)[node.id])


def debrief(run: ScenarioRun, row: Scenario) -> ScenarioResult:
    """Where the run stands, decision by decision, under the row's pass mark."""
    scenario = parse(row)
    return engine.result(scenario, path_of(run, scenario), pass_mark=row.pass_mark)


# --------------------------------------------------------------------------- page data


@dataclass(frozen=True)
class DecisionView:
    """One decision of a run as pages show it, with the HTML rendered at sync."""

    number: int
    node_id: str
    situation: str  # a one-line plain summary of the node's text
    choice_text: str
    feedback_html: str
    score: int
    section: str

    @property
    def rating(self) -> str:
        """``good`` (10), ``partly`` (1-9) or ``poor`` (0)."""
        if self.score >= engine.MAX_CHOICE_SCORE:
            return "good"
        return "partly" if self.score > 0 else "poor"


def decisions(row: Scenario, path: tuple[Step, ...]) -> list[DecisionView]:
    """The decisions of ``path`` for a page: situation, choice, feedback, score, section."""
    nodes = node_data(row)
    out = []
    for number, step in enumerate(path, start=1):
        node = nodes[step.node_id]
        choice = node["choices"][step.choice_index]
        out.append(
            DecisionView(
                number=number,
                node_id=step.node_id,
                situation=summary_line(node.get("text", "")) or step.node_id,
                choice_text=choice["text"],
                feedback_html=choice.get("feedback_html", ""),
                score=choice["score"],
                section=choice["section"],
            )
        )
    return out
