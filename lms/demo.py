"""The demo organisation loaded by ``flask lms demo`` (idempotent).

Customer Service: manager@example.com leads six people, one of whom (lead@example.com)
manages two more. Finance has one employee outside that tree. One candidate is
onboarding. Every account's password is ``LMS_DEMO_PASSWORD``.
"""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms.accounts.models import Person
from lms.accounts.services import normalise_email, set_password
from lms.db import session

# (email, name, role, manager email, department)
DEMO_PEOPLE: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("admin@example.com", "Ada Admin", "admin", None, "People Operations"),
    ("manager@example.com", "Maria Manager", "manager", None, "Customer Service"),
    (
        "employee@example.com",
        "Erik Employee",
        "employee",
        "manager@example.com",
        "Customer Service",
    ),
    ("alice@example.com", "Alice Andersen", "employee", "manager@example.com", "Customer Service"),
    ("bruno@example.com", "Bruno Barros", "employee", "manager@example.com", "Customer Service"),
    ("chidi@example.com", "Chidi Okafor", "employee", "manager@example.com", "Customer Service"),
    ("dana@example.com", "Dana Dąbrowska", "employee", "manager@example.com", "Customer Service"),
    ("lead@example.com", "Lena Lead", "manager", "manager@example.com", "Customer Service"),
    ("sami@example.com", "Sami Virtanen", "employee", "lead@example.com", "Customer Service"),
    ("tara@example.com", "Tara Singh", "employee", "lead@example.com", "Customer Service"),
    ("finance@example.com", "Frank Finance", "employee", None, "Finance"),
    ("candidate@example.com", "Cara Candidate", "candidate", None, "Customer Service"),
)


def load_demo(password: str) -> list[Person]:
    """Create or refresh the demo people; running it twice changes nothing."""
    emails = [normalise_email(row[0]) for row in DEMO_PEOPLE]
    existing = {p.email: p for p in session.scalars(select(Person).where(Person.email.in_(emails)))}
    # Only the first run creates people: someone erased or removed since (an erased demo
    # candidate, say) stays gone, however often `make run` loads the demo again.
    first_run = not existing
    people = []
    for email, name, role, _manager, department in DEMO_PEOPLE:
        person = existing.get(email)
        if person is None and not first_run:
            continue
        if person is None:
            person = Person(
                email=email, name=name, role=role, department=department, status="active"
            )
            session.add(person)
            existing[email] = person
        # Re-hash only when the password changed, so a re-run leaves rows untouched.
        if not person.password_hash or not check_password_hash(person.password_hash, password):
            set_password(person, password)
        people.append(person)
    session.flush()
    for email, _name, _role, manager, _dept in DEMO_PEOPLE:
        person = existing.get(normalise_email(email))
        if person is None:
            continue
        manager_id = existing[manager].id if manager and manager in existing else None
        if person.manager_id != manager_id:
            person.manager_id = manager_id
    session.commit()
    _demo_training(existing)
    return people


# Demo history for the social media course, relative to today: (email, reason, due in
# days, certified days ago). It gives the reports every status to show.
DEMO_TRAINING = (
    ("candidate@example.com", "onboarding", 14, None),
    ("employee@example.com", "annual", 30, None),
    ("alice@example.com", "annual", 30, 320),  # refresher window open: renewal due
    ("bruno@example.com", "annual", 30, 400),  # certificate expired
    ("chidi@example.com", "annual", 30, 30),  # certified
    ("dana@example.com", "annual", -5, None),  # overdue
    ("lead@example.com", "annual", 30, 100),
    ("sami@example.com", "annual", 30, None),
    ("tara@example.com", "annual", -10, None),
    ("finance@example.com", "annual", 45, None),
)


def _demo_training(people: dict[str, Person]) -> None:
    """Assignments and a few backdated certifications, added once; skipped until the
    demo course (``LMS_DEMO_COURSE``, the social media course by default) is synced."""
    from datetime import timedelta

    from flask import current_app

    from lms.certification import services as certification
    from lms.certification.models import Assignment
    from lms.clock import today as clock_today
    from lms.courses.services import latest_version_by_slug

    version = latest_version_by_slug(
        current_app.config.get("LMS_DEMO_COURSE", "social-media-policy")
    )
    if version is None:
        return
    today = clock_today()
    admin = people.get("admin@example.com")
    for email, reason, due_in, certified_ago in DEMO_TRAINING:
        person = people.get(email)
        if person is None:  # erased or removed since the first demo run
            continue
        has_assignment = session.scalar(
            select(Assignment.id)
            .where(Assignment.person_id == person.id, Assignment.course_id == version.course_id)
            .limit(1)
        )
        if has_assignment is None:
            # Assigned a week before the certificate (or today, for the uncertified), due
            # ``due_in`` days after that certificate's day: deadlines that belong to it.
            assigned = today - timedelta(days=(certified_ago or 0) + 7)
            certification.assign(
                version.course_id,
                [person.id],
                reason=reason,
                by=admin,
                due_on=assigned + timedelta(days=due_in + 7),
                today=assigned,
            )
        if certified_ago is not None:
            _certify_once(person, version, today - timedelta(days=certified_ago))
    session.commit()


def _certify_once(person: Person, version, day) -> None:
    """A period earned on ``day`` (and the policy signed that day, if the course asks),
    unless the person already holds one for the course."""
    from datetime import datetime, time

    from lms.certification import services as certification
    from lms.certification.models import CertificationPeriod, PolicyAcknowledgement

    has_period = session.scalar(
        select(CertificationPeriod.id)
        .where(
            CertificationPeriod.person_id == person.id,
            CertificationPeriod.course_id == version.course_id,
        )
        .limit(1)
    )
    if has_period is not None:
        return
    cycle = certification.cycle_for(person.id, version, day)
    certification.issue_period(person.id, version, cycle, today=day)
    if version.course_settings.acknowledge_policy:  # they signed the policy that day
        session.add(
            PolicyAcknowledgement(
                person_id=person.id,
                course_id=version.course_id,
                version_id=version.id,
                policy_hash=version.policy_hash or "",
                typed_name=person.name,
                acknowledged_at=datetime.combine(day, time(9)),
            )
        )
