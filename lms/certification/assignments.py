"""Assigning a course to people: the plan (what happens to each person) and the write.

``plan`` reads every person's status on the day from the reports' SQL (so the confirm
page, the team report and the API agree) and decides each outcome with the pure rules in
``lms.domain.assigning``: a new assignment, or skipped because they already have an open
one (its due date and any overdue status stay) or hold a valid certificate (unless
re-assigning was asked for). ``carry_out`` writes the new rows with
``INSERT ... ON CONFLICT DO NOTHING`` on the one-open-assignment index, so concurrent
identical requests leave one row and one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.accounts.models import Person
from lms.audit.services import ApiActor, person_of, record
from lms.certification import status_facts
from lms.certification.models import Assignment
from lms.certification.scope import Filters, Scope
from lms.certification.status_table import status_table
from lms.clock import today as clock_today
from lms.courses.models import Course
from lms.db import session, utcnow
from lms.domain import assigning
from lms.once import insert_ignoring_duplicates

#: Who can be given an assignment (erased people never).
ASSIGNABLE = ("active", "invited", "inactive")


@dataclass(frozen=True)
class Plan:
    """What assigning ``course_id`` to a list of people will do, person by person."""

    course_id: int
    reason: str
    due_on: date | None
    reassign: bool
    today: date
    outcomes: dict[int, str]  # person id -> lms.domain.assigning outcome, in the order given
    kept_due: dict[int, date | None]  # people who keep an open assignment -> its due date

    @property
    def to_assign(self) -> list[int]:
        return [pid for pid, o in self.outcomes.items() if o in assigning.WRITES]

    @property
    def counts(self) -> dict[str, int]:
        return assigning.counts(self.outcomes.values())

    @property
    def fingerprint(self) -> str:
        return assigning.fingerprint(
            self.course_id, self.reason, self.due_on, self.reassign, self.outcomes
        )


@dataclass(frozen=True)
class Result:
    """What an assignment did: each person's outcome and the due date now in force."""

    plan: Plan
    outcomes: dict[int, str]
    due_dates: dict[int, date | None]

    @property
    def assigned(self) -> int:
        return sum(1 for o in self.outcomes.values() if o in assigning.WRITES)

    @property
    def counts(self) -> dict[str, int]:
        return assigning.counts(self.outcomes.values())


def plan(
    course_id: int,
    person_ids: list[int],
    *,
    reason: str,
    due_on: date | None,
    reassign: bool = False,
    today: date | None = None,
) -> Plan:
    """Each person's outcome if the course were assigned now (reads only).

    People who cannot be assigned (erased, unknown ids) are left out.
    """
    today = today or clock_today()
    ids = list(dict.fromkeys(person_ids))
    slug = session.scalar(select(Course.slug).where(Course.id == course_id))
    rows: dict[int, tuple[str, int | None, date | None]] = {}
    if ids and slug is not None:
        table = status_table(
            Scope(), today, Filters(course=slug), person_ids=ids, person_statuses=ASSIGNABLE
        )
        for pid, status, assignment_id, due in session.execute(
            select(table.c.person_id, table.c.status, table.c.assignment_id, table.c.due_on)
        ):
            rows[pid] = (status, assignment_id, due)
    outcomes: dict[int, str] = {}
    kept: dict[int, date | None] = {}
    for pid in ids:
        if pid not in rows:
            continue
        status, assignment_id, due = rows[pid]
        outcomes[pid] = assigning.outcome(status, assignment_id is not None, reassign=reassign)
        if assignment_id is not None:
            kept[pid] = due
    return Plan(course_id, reason, due_on, reassign, today, outcomes, kept)


def people_by_outcome(plan: Plan, limit: int = 50) -> dict[str, list[tuple[Person, date | None]]]:
    """For the confirm page: up to ``limit`` people per outcome, by name, each with the
    due date they will have: their kept one, the plan's for those it assigns, none for
    those it skips (already certified)."""
    people = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(plan.outcomes))))
    }
    out: dict[str, list[tuple[Person, date | None]]] = {o: [] for o in assigning.OUTCOMES}
    for pid in sorted(plan.outcomes, key=lambda i: (people[i].name, i)):
        outcome = plan.outcomes[pid]
        group = out[outcome]
        if len(group) < limit:
            due = plan.due_on if outcome in assigning.WRITES else plan.kept_due.get(pid)
            group.append((people[pid], due))
    return out


def carry_out(plan: Plan, *, by: Person | ApiActor | None, commit: bool = True) -> Result:
    """Write the plan's new assignments (once, whatever runs at the same time) and audit
    them as done ``by`` a person, an API token or (None) the system.

    Someone who got an open assignment from a concurrent request between the plan and
    the write is reported as ``already_assigned``, with that assignment's due date.
    """
    table = Assignment.__table__
    assigner = person_of(by)
    rows = [
        {
            "person_id": pid,
            "course_id": plan.course_id,
            "reason": plan.reason,
            "assigned_on": plan.today,
            "due_on": plan.due_on,
            "assigned_by_id": assigner.id if assigner else None,
            "created_at": utcnow(),
        }
        for pid in plan.to_assign
    ]
    inserted: set[int] = set()
    if rows:
        stmt = insert_ignoring_duplicates(
            table, ["person_id", "course_id"], where=table.c.closed_on.is_(None)
        ).returning(table.c.person_id)
        inserted = set(session.execute(stmt, rows).scalars())
        status_facts.refresh(plan.course_id, inserted)
    outcomes = dict(plan.outcomes)
    due_dates: dict[int, date | None] = dict(plan.kept_due)
    lost = [pid for pid in plan.to_assign if pid not in inserted]
    for pid in lost:
        outcomes[pid] = assigning.ALREADY_ASSIGNED
    if lost:
        due_dates.update(_open_due_dates(plan.course_id, lost))
    for pid in inserted:
        due_dates[pid] = plan.due_on
    result = Result(plan, outcomes, due_dates)
    if inserted:
        assigned = [pid for pid in plan.to_assign if pid in inserted]
        skipped = {k: v for k, v in result.counts.items() if k not in assigning.WRITES and v}
        record(
            "assign",
            actor=by,
            target_type="course",
            target_id=plan.course_id,
            reason=plan.reason,
            due_on=plan.due_on.isoformat() if plan.due_on else None,
            people=len(assigned),
            person_ids=assigned[:1000],
            reassign=plan.reassign,
            skipped=skipped,
        )
    if commit:
        session.commit()
    return result


def _open_due_dates(course_id: int, person_ids: list[int]) -> dict[int, date | None]:
    """The due dates of these people's open assignments of the course."""
    return dict(
        session.execute(
            select(Assignment.person_id, Assignment.due_on).where(
                Assignment.course_id == course_id,
                Assignment.person_id.in_(person_ids),
                Assignment.closed_on.is_(None),
            )
        ).all()
    )
