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
from lms.domain.estimate import CourseEstimate, estimate_course, scenario_runs, word_count
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
