"""A manager's "Send a reminder" on the person page.

The e-mail is the learner's own reminder for their situation (``lms/email/reminder.*``,
the same wording the daily run sends), queued through the outbox. It is claimed first as
a ``ReminderSent`` row of kind ``manual`` keyed by the day: the row's unique key makes a
second press on the same day (a double click, two managers) a no-op, and the outbox key
is derived from it, so at most one such e-mail per person, course and day is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.accounts.models import Person
from lms.audit import services as audit
from lms.certification.models import ReminderSent
from lms.courses import localized
from lms.courses.models import CourseVersion
from lms.db import session
from lms.outbox.mail import queue_mail
from lms.outbox.queue import insert_ignoring_conflict
from lms.reports import person_page
from lms.web.urls import absolute_url

MANUAL = "manual"


@dataclass(frozen=True)
class ReminderRequest:
    """What the person page knows when the button is pressed."""

    person: Person
    version: CourseVersion  # the course's newest version (its title goes in the mail)
    kind: str  # a reminder kind of ``lms.domain.reminders`` (the mail's wording)
    due_on: date | None
    valid_until: date | None


def day_key(today: date) -> str:
    """The claim key of a manual reminder: one per person, course and day."""
    return f"day:{today.isoformat()}"


def send_reminder(request: ReminderRequest, today: date, *, by: Person | None = None) -> bool:
    """Claim today's manual reminder, queue its e-mail and record who sent it (audit), in
    the caller's transaction (the caller commits). False, with nothing queued or
    recorded, when one was already sent today."""
    person, course_id = request.person, request.version.course_id
    key = day_key(today)
    claimed = insert_ignoring_conflict(
        ReminderSent,
        {
            "person_id": person.id,
            "course_id": course_id,
            "kind": MANUAL,
            "key": key,
            "sent_on": today,
        },
        ["person_id", "course_id", "kind", "key"],
    )
    if not claimed:
        return False
    # The title in every language: the mail is rendered in the learner's.
    title = localized.title_in_every_language(request.version.id, request.version.title)
    context = {
        "kind": request.kind,
        "course_title": title,
        "course_url": absolute_url("lms.courses.course", slug=request.version.course.slug),
        "valid_until": request.valid_until,
        "due_on": request.due_on,
    }
    queue_mail(
        to=person,
        template="reminder",
        key=f"reminder:{person.id}:{course_id}:{MANUAL}:{key}",
        context=context,
    )
    audit.record(
        "send_reminder",
        actor=by,
        target_type="person",
        target_id=person.id,
        course_id=course_id,
        reminder=request.kind,
    )
    return True


@dataclass(frozen=True)
class Reminded:
    """What the button did: the course's newest version, and whether a mail was queued
    (False: one was already sent today)."""

    version: CourseVersion
    sent: bool


def remind_about(subject: Person, slug: str, today: date, *, by: Person) -> Reminded | None:
    """The person page's "Send a reminder" for the course ``slug``, committed.

    None, with nothing written, when there is nothing to remind about: no such course,
    no reminder for the person's status on it, or the person is not active.
    """
    found = person_page.course_summary(subject.id, today, slug)
    if found is None or found[1].reminder is None or subject.status != "active":
        return None
    version, summary = found
    sent = send_reminder(
        ReminderRequest(subject, version, summary.reminder, summary.due_on, summary.valid_until),
        today,
        by=by,
    )
    session.commit()
    return Reminded(version, sent)
