"""Certification: the one place callers import the certification services from.

The work lives in modules by concern: ``cycles`` (where a learner stands and what the
cycle requires), ``issuing`` (certifying when complete), ``reviews`` (policy-change
reviews) and ``assignments`` (who gets an assignment); this module re-exports their
public names and assigns a course in one call.
"""

from __future__ import annotations

from datetime import date

from lms.accounts.models import Person
from lms.certification import assignments
from lms.certification.cycles import (
    Cycle,
    Requirements,
    current_assignment,
    cycle_for,
    cycle_from,
    local_date,
    period_facts,
    periods_of,
    progress_and_attempts_for,
    progress_for,
    progress_for_many,
    requirements,
    rules_for,
    start_of_day,
)
from lms.certification.issuing import (
    announce_issued,
    certify_if_complete,
    insert_period,
    issue_period,
    latest_version,
    new_code,
    on_requirement_met,
)
from lms.certification.reviews import (
    acknowledge,
    changed_sections,
    create_review_tasks,
    section_hashes,
)

__all__ = [
    "Cycle",
    "Requirements",
    "acknowledge",
    "announce_issued",
    "assign",
    "certify_if_complete",
    "changed_sections",
    "create_review_tasks",
    "current_assignment",
    "cycle_for",
    "cycle_from",
    "insert_period",
    "issue_period",
    "latest_version",
    "local_date",
    "new_code",
    "on_requirement_met",
    "period_facts",
    "periods_of",
    "progress_and_attempts_for",
    "progress_for",
    "progress_for_many",
    "requirements",
    "rules_for",
    "section_hashes",
    "start_of_day",
]


def assign(
    course_id: int,
    person_ids: list[int],
    *,
    reason: str,
    due_on: date | None,
    by: Person | None,
    today: date | None = None,
    commit: bool = True,
) -> int:
    """Assign a course to people; returns how many got a new assignment.

    People with an open assignment keep it (and its due date), people holding a valid
    certificate are skipped (see ``lms.certification.assignments`` for the plan, the
    per-person outcomes and re-assigning); concurrent identical calls assign once.
    """
    plan = assignments.plan(course_id, person_ids, reason=reason, due_on=due_on, today=today)
    return assignments.carry_out(plan, by=by, commit=commit).assigned
