"""How long the course takes, against its goals (see ``lms.domain.estimate`` for how).

The first pass must fit ``budget.first_pass`` minutes and the refresher
``budget.refresher``. The refresher is checked as it runs when the policy did not change
(refresher assessment and scenario), and then once per module as if that module's
sections had changed, since any one of them may have to be redone: a module that would
push such a refresher over its goal is reported.
"""

from __future__ import annotations

from lms.domain.quality.model import CourseQuality, Finding


def check_timing(course: CourseQuality) -> list[Finding]:
    """Reading-time findings; none when the course has no estimate."""
    e, budget = course.estimate, course.budget
    if e is None:
        return []
    findings: list[Finding] = []
    if e.first_pass > budget.first_pass:
        scenarios = sum(e.scenarios[k] for k in e.required)
        findings.append(
            Finding(
                "reading-time",
                course.course_source,
                (),
                f"the first pass takes about {e.first_pass:.1f} minutes (modules "
                f"{sum(e.modules.values()):.1f}, final assessment {e.assessment:.1f}, required "
                f"scenarios {scenarios:.1f}); the goal is at most {budget.first_pass}",
            )
        )
    if e.refresher() > budget.refresher:
        findings.append(
            Finding(
                "reading-time",
                course.course_source,
                ("certification", "refresher"),
                f"the refresher takes about {e.refresher():.1f} minutes with no module to redo; "
                f"the goal is at most {budget.refresher}",
            )
        )
        return findings
    for i, (key, minutes) in enumerate(e.modules.items()):
        if e.refresher([key]) > budget.refresher:
            findings.append(
                Finding(
                    "reading-time",
                    course.course_source,
                    ("modules", i),
                    f"module {key!r} takes about {minutes:.1f} minutes, so a refresher that "
                    f"redoes it takes {e.refresher([key]):.1f}; the refresher goal is at most "
                    f"{budget.refresher}: shorten its lesson or its knowledge check",
                )
            )
    return findings
