"""``flask lms send-reminders``: the daily reminder run.

Which reminders are due is decided by ``lms.domain.reminders`` (pure). This module loads
the facts for every learner of every course in a few queries, claims each reminder by
inserting a ``ReminderSent`` row (its unique key makes a reminder go out once, even when
two runs overlap), and only then sends it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import mail
from lms.accounts.models import Person
from lms.certification.models import Assignment, CertificationPeriod, ReminderSent
from lms.certification.services import period_facts
from lms.courses.models import Course, CourseVersion
from lms.db import session
from lms.domain import certification as rules
from lms.domain.reminders import reminders_due
from lms.web.urls import absolute_url

SUBJECTS = {
    "window_open": "Your {course} refresher is open",
    "expiry_30": "Your {course} certificate expires in 30 days",
    "expiry_7": "Your {course} certificate expires in 7 days",
    "expired": "Your {course} certificate has expired",
    "due_7": "{course} is due in 7 days",
    "overdue": "{course} is overdue",
}

BODIES = {
    "window_open": "Your certificate is valid until {valid_until}. The short refresher is open now: "
                   "review what changed and take the refresher assessment to renew it.",
    "expiry_30": "Your certificate is valid until {valid_until}. Renew it with the refresher before then.",
    "expiry_7": "Your certificate expires on {valid_until}, in a week. Renew it with the refresher now.",
    "expired": "Your certificate expired on {valid_until}. Take the course again to be certified.",
    "due_7": "This training is due on {due_on}. Complete it before then.",
    "overdue": "This training was due on {due_on} and is not complete yet. Please complete it now.",
}


@dataclass(frozen=True)
class Planned:
    person: Person
    course: Course
    version: CourseVersion
    kind: str
    key: str
    message: mail.Message


def _latest_versions() -> list[tuple[Course, CourseVersion]]:
    newest = (select(CourseVersion.course_id, func.max(CourseVersion.number).label("n"))
              .group_by(CourseVersion.course_id).subquery())
    return list(session.execute(
        select(Course, CourseVersion).join(CourseVersion, CourseVersion.course_id == Course.id)
        .join(newest, (newest.c.course_id == Course.id) & (newest.c.n == CourseVersion.number))
        .order_by(Course.slug)).all())


def plan(today: date) -> list[Planned]:
    """Every learner reminder due today, whether or not it was already sent."""
    planned: list[Planned] = []
    for course, version in _latest_versions():
        periods: dict[int, list[CertificationPeriod]] = defaultdict(list)
        for p in session.scalars(select(CertificationPeriod).where(CertificationPeriod.course_id == course.id)
                                 .order_by(CertificationPeriod.sequence)):
            periods[p.person_id].append(p)
        assignments: dict[int, Assignment] = {}
        for a in session.scalars(select(Assignment).where(Assignment.course_id == course.id)
                                 .order_by(Assignment.assigned_on, Assignment.id)):
            assignments[a.person_id] = a  # the latest wins
        ids = set(periods) | set(assignments)
        people = {p.id: p for p in session.scalars(select(Person).where(
            Person.id.in_(ids), Person.status == "active"))} if ids else {}
        for pid, person in people.items():
            mine = periods.get(pid, [])
            facts = [period_facts(p) for p in mine]
            latest_fact = rules.latest_period(today, facts)
            latest = mine[facts.index(latest_fact)] if latest_fact else None
            assignment = assignments.get(pid)
            completed = bool(assignment and any(p.certified_on >= assignment.assigned_on for p in mine))
            due = reminders_due(
                today,
                period=latest_fact, period_id=latest.id if latest else None,
                assignment=rules.AssignmentFacts(assignment.assigned_on, assignment.due_on) if assignment else None,
                assignment_id=assignment.id if assignment else None,
                completed=completed,
            )
            for reminder in due:
                values = {"course": version.title,
                          "valid_until": latest.valid_until.isoformat() if latest else "",
                          "due_on": assignment.due_on.isoformat() if assignment and assignment.due_on else ""}
                link = absolute_url("lms.courses.course", slug=course.slug)
                text = (f"Hello {person.name},\n\n{BODIES[reminder.kind].format(**values)}\n\n"
                        f"Open the course: {link}\n")
                planned.append(Planned(person, course, version, reminder.kind, reminder.key, mail.Message(
                    to=(person.email,), subject=SUBJECTS[reminder.kind].format(**values), text=text)))
    return planned


def plan_manager_digests(today: date) -> list[Planned]:
    """One digest a week per manager and course listing overdue or expired people in
    their tree. Statuses come from the reports' SQL, so the digest and the team report
    always agree."""
    from lms.accounts.tree import report_ids
    from lms.reports.queries import Filters, Scope, status_table

    planned = []
    year, week_number, _ = today.isocalendar()
    week = f"week:{year}-W{week_number:02d}"
    managers = session.scalars(select(Person).where(Person.role.in_(("manager", "admin")),
                                                    Person.status == "active")).all()
    for course, version in _latest_versions():
        table = status_table(Scope(), today, Filters(course=course.slug))
        late = {person.id: (person, status) for person, status in session.execute(
            select(Person, table.c.status).join(table, table.c.person_id == Person.id)
            .where(Person.status == "active", table.c.status.in_(("overdue", "expired"))))}
        if not late:
            continue
        for manager in managers:
            tree = report_ids(manager.id)
            mine = sorted((late[pid] for pid in tree if pid in late), key=lambda ps: (ps[0].name, ps[0].id))
            if not mine:
                continue
            lines = "\n".join(f"- {p.name} <{p.email}>: {s}" for p, s in mine)
            link = absolute_url("lms.reports.team")
            planned.append(Planned(manager, course, version, "manager_digest", week, mail.Message(
                to=(manager.email,), subject=f"{version.title}: {len(mine)} people in your team need attention",
                text=f"Hello {manager.name},\n\nIn your team, these people are overdue or expired on "
                     f"{version.title}:\n\n{lines}\n\nSee the team report: {link}\n")))
    return planned


def already_sent(item: Planned) -> bool:
    return session.scalar(select(ReminderSent.id).where(
        ReminderSent.person_id == item.person.id, ReminderSent.course_id == item.course.id,
        ReminderSent.kind == item.kind, ReminderSent.key == item.key)) is not None


def claim(item: Planned, today: date) -> bool:
    """Insert the send record; False when another run (or an earlier one) already has it."""
    session.add(ReminderSent(person_id=item.person.id, course_id=item.course.id, kind=item.kind,
                             key=item.key, sent_on=today))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def send_reminders(today: date, *, dry_run: bool = False) -> list[Planned]:
    """Send every reminder due today that was not sent before; returns what was (or, in a
    dry run, would be) sent."""
    items = [i for i in plan(today) + plan_manager_digests(today) if not already_sent(i)]
    if dry_run:
        return items
    sent = []
    for item in items:
        if not claim(item, today):
            continue
        try:
            mail.send(item.message)
        except Exception:
            # Release the claim so tomorrow's run tries again, then report the failure.
            session.execute(ReminderSent.__table__.delete().where(
                (ReminderSent.person_id == item.person.id) & (ReminderSent.course_id == item.course.id)
                & (ReminderSent.kind == item.kind) & (ReminderSent.key == item.key)))
            session.commit()
            raise
        sent.append(item)
    return sent
