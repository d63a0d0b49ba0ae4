"""Time estimates for a loaded course folder (the pure rules are in ``lms.domain.estimate``).

``estimate_source(course)`` takes a :class:`~lms.courses.source.CourseSource` that loaded
without problems (what ``sync-courses`` stores) and returns a
:class:`~lms.domain.estimate.CourseEstimate`: minutes per module, for the final
assessment, per scenario, for the first pass and for a refresher. Show them with
:func:`lms.domain.estimate.display_minutes`.
"""

from __future__ import annotations

from lms.courses.source import CourseSource
from lms.courses.yamlfile import plain
from lms.domain.course_settings import CourseSettings
from lms.domain.estimate import (
    CourseEstimate,
    display_minutes,
    estimate_course,
    minutes_left,
    scenario_runs,
    word_count,
)
from lms.domain.scenarios import parse_scenario


def estimate_source(course: CourseSource) -> CourseEstimate:
    """Minutes for ``course`` (see ``lms.domain.estimate`` for what is counted and why)."""
    settings = CourseSettings.from_dict(course.settings)
    return estimate_course(
        modules={m.key: (word_count(m.body_md), len(m.questions)) for m in course.modules},
        assessment_draw=settings.assessment.draw,
        scenarios={s.key: scenario_runs(parse_scenario(plain(s.data))) for s in course.scenarios},
        required=[s.key for s in course.scenarios if s.required],
        refresher_draw=settings.refresher_draw,
        refresher_scenario=settings.refresher.scenario,
    )


def stored_estimates(course: CourseSource) -> dict:
    """The estimate as ``CourseVersion.estimates`` keeps it (plain JSON)."""
    e = estimate_source(course)
    return {
        "modules": dict(e.modules),
        "assessment": e.assessment,
        "scenarios": dict(e.scenarios),
        "refresher_assessment": e.refresher_assessment,
    }


def minutes_left_on(version, progress, kind: str = "final") -> int | None:
    """Minutes still to go in the learner's cycle (the course page and home cards)."""
    return minutes_left(
        getattr(version, "estimates", None),
        modules_left=[m.key for m, state in progress.modules if state != "complete"],
        assessment_left=not progress.assessment.passed,
        scenarios_left=[s.key for s in progress.scenarios_left],
        refresher=kind == "refresher",
    )


def module_minutes_of(version, key: str) -> int | None:
    """One module's estimated minutes, as shown beside it."""
    minutes = ((getattr(version, "estimates", None) or {}).get("modules") or {}).get(key)
    return display_minutes(minutes) if minutes else None
