"""``flask lms send-reminders``: the daily reminder run.

Which reminders are due is decided by ``lms.domain.reminders`` (pure). This module loads
the facts for every learner of every course in a few queries, then for each reminder not
yet claimed writes, in one transaction, its ``ReminderSent`` row (insert-on-conflict on
its unique key, so two overlapping runs claim it once) and its e-mail in the outbox. The
outbox worker (``flask lms send-mail``) delivers it: a crash can no longer lose a
reminder between claiming and sending, and none is queued twice.

The wording is in the templates ``lms/email/reminder.*`` and ``lms/email/manager_digest.*``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from lms.accounts.models import Person
from lms.accounts.tree import report_ids
from lms.certification.models import Assignment, CertificationPeriod, ReminderSent
from lms.certification.scope import Filters, Scope
from lms.certification.services import period_facts
from lms.certification.status_table import status_table
from lms.courses import localized
from lms.courses.models import Course, CourseVersion
from lms.courses.services import latest_by_slug
from lms.db import session
from lms.domain import certification as rules
from lms.domain.reminders import reminders_due
from lms.outbox.mail import RenderedMail, queue_rendered, recipient_of, render_mail
from lms.outbox.queue import insert_ignoring_conflict
from lms.web.urls import absolute_url

DIGEST = "manager_digest"


@dataclass(frozen=True)
class Planned:
    """One reminder (or digest) due: who, about what, and the mail's template context.
    ``message`` is filled in once the reminder is known not to be claimed yet."""

    person: Person
    course: Course
    version: CourseVersion
    kind: str
    key: str
    template: str
    context: dict[str, Any] = field(hash=False)
    message: RenderedMail | None = None

    @property
    def outbox_key(self) -> str:
        """The mail's key in the outbox: one e-mail per claimed reminder."""
        return f"reminder:{self.person.id}:{self.course.id}:{self.kind}:{self.key}"

    def rendered(self) -> Planned:
        return replace(
            self, message=render_mail(self.template, recipient_of(self.person), self.context)
        )


def plan(today: date) -> list[Planned]:
    """Every learner reminder due today, whether or not it was already sent."""
    planned: list[Planned] = []
    latest = latest_by_slug()
    titles = localized.course_titles([v.id for _c, v in latest])  # each in its reader's language
    for course, version in latest:
        link = absolute_url("lms.courses.course", slug=course.slug)
        title = localized.title_in_every_language(version.id, version.title, titles)
        periods, assignments, people = _learners(course.id)
        for pid, person in people.items():
            for kind, key, context in _due(
                today, periods.get(pid, []), assignments.get(pid), title, link
            ):
                planned.append(Planned(person, course, version, kind, key, "reminder", context))
    return planned


def _learners(
    course_id: int,
) -> tuple[dict[int, list[CertificationPeriod]], dict[int, Assignment], dict[int, Person]]:
    """The course's periods (by person, in sequence order), each person's latest
    assignment, and the active people who have either (three statements)."""
    periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
    for p in session.scalars(
        select(CertificationPeriod)
        .where(CertificationPeriod.course_id == course_id)
        .order_by(CertificationPeriod.sequence)
    ):
        periods[p.person_id].append(p)
    assignments: dict[int, Assignment] = {}
    for a in session.scalars(
        select(Assignment)
        .where(Assignment.course_id == course_id)
        .order_by(Assignment.assigned_on, Assignment.id)
    ):
        assignments[a.person_id] = a  # the latest wins
    ids = set(periods) | set(assignments)
    if not ids:
        return periods, assignments, {}
    people = {
        p.id: p
        for p in session.scalars(
            select(Person).where(Person.id.in_(ids), Person.status == "active")
        )
    }
    return periods, assignments, people


def _due(
    today: date,
    mine: list[CertificationPeriod],
    assignment: Assignment | None,
    title: Any,
    link: str,
) -> list[tuple[str, str, dict[str, Any]]]:
    """One learner's reminders due today on a course: (kind, key, mail context) each."""
    facts = [period_facts(p) for p in mine]
    latest_fact = rules.latest_period(today, facts)
    latest = mine[facts.index(latest_fact)] if latest_fact else None
    completed = bool(assignment and any(p.certified_on >= assignment.assigned_on for p in mine))
    due = reminders_due(
        today,
        period=latest_fact,
        period_id=latest.id if latest else None,
        assignment=rules.AssignmentFacts(assignment.assigned_on, assignment.due_on)
        if assignment
        else None,
        assignment_id=assignment.id if assignment else None,
        completed=completed,
    )
    return [
        (
            reminder.kind,
            reminder.key,
            {
                "kind": reminder.kind,
                "course_title": title,
                "course_url": link,
                "valid_until": latest.valid_until if latest else None,
                "due_on": assignment.due_on if assignment else None,
            },
        )
        for reminder in due
    ]


def plan_manager_digests(today: date) -> list[Planned]:
    """One digest a week per manager and course listing overdue or expired people in
    their tree. Statuses come from the reports' SQL, so the digest and the team report
    always agree."""
    planned = []
    week = digest_week(today)
    managers = session.scalars(
        select(Person).where(Person.role.in_(("manager", "admin")), Person.status == "active")
    ).all()
    link = absolute_url("lms.reports.team")
    latest = latest_by_slug()
    titles = localized.course_titles([v.id for _c, v in latest])
    for course, version in latest:
        table = status_table(Scope(), today, Filters(course=course.slug))
        late = {
            person.id: (person, status)
            for person, status in session.execute(
                select(Person, table.c.status)
                .join(table, table.c.person_id == Person.id)
                .where(Person.status == "active", table.c.status.in_(("overdue", "expired")))
            )
        }
        if not late:
            continue
        for manager in managers:
            tree = report_ids(manager.id)
            mine = sorted(
                (late[pid] for pid in tree if pid in late), key=lambda ps: (ps[0].name, ps[0].id)
            )
            if not mine:
                continue
            planned.append(
                Planned(
                    manager,
                    course,
                    version,
                    DIGEST,
                    week,
                    "manager_digest",
                    digest_context(version, mine, link, titles),
                )
            )
    return planned


def digest_week(today: date) -> str:
    """The claim key of the week's digest (one per manager, course and ISO week)."""
    year, week_number, _ = today.isocalendar()
    return f"week:{year}-W{week_number:02d}"


def digest_context(
    version: CourseVersion,
    late: list[tuple[Person, str]],
    report_url: str,
    titles: dict | None = None,
) -> dict[str, Any]:
    """The ``manager_digest`` template's context: the course (its title in every language,
    ``titles`` from ``localized.course_titles`` or one query) and its late people, by name
    (the digest preview page renders the same)."""
    return {
        "course_title": localized.title_in_every_language(version.id, version.title, titles),
        "report_url": report_url,
        "people": [{"name": p.name, "email": p.email, "status": s} for p, s in late],
    }


def _claimed(course_ids: set[int]) -> set[tuple[int, int, str, str]]:
    """The reminders of these courses already claimed, as (person, course, kind, key)."""
    if not course_ids:
        return set()
    return {
        tuple(row)
        for row in session.execute(
            select(
                ReminderSent.person_id, ReminderSent.course_id, ReminderSent.kind, ReminderSent.key
            ).where(ReminderSent.course_id.in_(course_ids))
        )
    }


def claim_and_queue(item: Planned, today: date) -> bool:
    """In one transaction: claim the reminder and queue its e-mail. False (and nothing
    queued) when another run, or an earlier one, already claimed it."""
    try:
        claimed = insert_ignoring_conflict(
            ReminderSent,
            {
                "person_id": item.person.id,
                "course_id": item.course.id,
                "kind": item.kind,
                "key": item.key,
                "sent_on": today,
            },
            ["person_id", "course_id", "kind", "key"],
        )
        if claimed:
            queue_rendered(item.message, key=item.outbox_key, person_id=item.person.id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return claimed


def send_reminders(today: date, *, dry_run: bool = False) -> list[Planned]:
    """Queue every reminder due today that was not claimed before; returns what was (or,
    in a dry run, would be) queued, each with its rendered ``message``."""
    planned = plan(today) + plan_manager_digests(today)
    claimed = _claimed({item.course.id for item in planned})
    items = [
        item.rendered()
        for item in planned
        if (item.person.id, item.course.id, item.kind, item.key) not in claimed
    ]
    if dry_run:
        return items
    return [item for item in items if claim_and_queue(item, today)]
