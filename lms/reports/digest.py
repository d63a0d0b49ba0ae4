"""The digest preview: exactly what a manager's weekly digest e-mail says this week.

The weekly run (``lms.certification.reminders.plan_manager_digests``) sends a manager one
digest per course listing the active people in their tree who are overdue or expired.
This module finds the same people for one manager (statuses from the reports' SQL, as the
run does) and renders the same ``manager_digest`` templates with the same context, in the
manager's language, so the preview cannot drift from the mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.accounts.models import Person
from lms.accounts.tree import report_ids
from lms.certification.models import ReminderSent
from lms.certification.reminders import DIGEST, digest_context, digest_week
from lms.courses import localized
from lms.courses.services import latest_versions
from lms.db import session
from lms.outbox.mail import RenderedMail, recipient_of, render_mail
from lms.reports import queries
from lms.web.urls import absolute_url

LATE = ("overdue", "expired")


@dataclass(frozen=True)
class DigestPreview:
    """One course's digest for the manager: the rendered mail and whether this week's
    digest about it was already sent (``sent_on``)."""

    course_title: str
    message: RenderedMail
    sent_on: date | None


def preview(manager: Person, today: date) -> list[DigestPreview]:
    """The digests ``manager`` gets this week, one per course with late people."""
    tree = sorted(report_ids(manager.id))
    if not tree:
        return []
    versions = latest_versions()
    table = queries.status_table(queries.Scope(), today, person_ids=tree)
    late: dict[int, list[tuple[Person, str]]] = {}
    for person, course_id, status in session.execute(
        select(Person, table.c.course_id, table.c.status)
        .join(table, table.c.person_id == Person.id)
        .where(Person.status == "active", table.c.status.in_(LATE))
        .order_by(Person.name, Person.id)
    ):
        late.setdefault(course_id, []).append((person, status))
    sent = dict(
        session.execute(
            select(ReminderSent.course_id, ReminderSent.sent_on).where(
                ReminderSent.person_id == manager.id,
                ReminderSent.kind == DIGEST,
                ReminderSent.key == digest_week(today),
            )
        ).all()
    )
    link = absolute_url("lms.reports.team")
    recipient = recipient_of(manager)
    titles = localized.course_titles([v.id for v in versions if v.course_id in late])
    out = []
    for version in sorted(versions, key=lambda v: v.course.slug):  # the run's order
        people = late.get(version.course_id)
        if people:
            out.append(
                DigestPreview(
                    version.title,
                    render_mail(
                        "manager_digest", recipient, digest_context(version, people, link, titles)
                    ),
                    sent.get(version.course_id),
                )
            )
    return out
