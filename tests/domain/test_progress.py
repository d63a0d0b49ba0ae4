"""``course_progress.completed_at``: the moment the last requirement was met."""

from __future__ import annotations

from datetime import datetime, timedelta

from lms.domain.progress import (
    AssessmentRules,
    AttemptFacts,
    ModuleFacts,
    ScenarioFacts,
    course_progress,
)

T0 = datetime(2027, 3, 1, 9, 0)
H = timedelta(hours=1)


def module(key, passed_at):
    return ModuleFacts(
        key=key,
        title=key,
        sections_hash="h",
        read_at=passed_at,
        passed_at=passed_at,
        progress_hash="h",
    )


def progress(modules, attempts, scenarios, since=None):
    return course_progress(
        modules, attempts, scenarios, AssessmentRules(), now=T0 + 100 * H, since=since
    )


def test_the_latest_step_decides_each_step_from_its_first_pass():
    p = progress(
        [module("a", T0), module("b", T0 + H)],
        [AttemptFacts(T0 + 2 * H, T0 + 3 * H, True), AttemptFacts(T0 + 5 * H, T0 + 6 * H, True)],
        [
            ScenarioFacts("s", "S", True, True, passed_at=T0 + 4 * H),
            ScenarioFacts("optional", "O", False, True, passed_at=T0 + 9 * H),
        ],
    )
    assert (
        p.complete and p.completed_at == T0 + 4 * H
    )  # the scenario; a second pass or an optional one does not count


def test_the_assessment_as_last_step():
    p = progress(
        [module("a", T0)],
        [AttemptFacts(T0 + H, T0 + 2 * H, False), AttemptFacts(T0 + 3 * H, T0 + 4 * H, True)],
        [],
    )
    assert p.completed_at == T0 + 4 * H


def test_nothing_before_the_cycle_counts_and_incomplete_has_no_moment():
    old_pass = AttemptFacts(T0 - 50 * H, T0 - 49 * H, True)
    assert progress([module("a", T0)], [old_pass], [], since=T0 - H).completed_at is None
    p = progress(
        [module("a", T0)], [old_pass, AttemptFacts(T0 + H, T0 + 2 * H, True)], [], since=T0 - H
    )
    assert p.completed_at == T0 + 2 * H
    assert progress([module("a", None)], [AttemptFacts(T0, T0 + H, True)], []).completed_at is None
