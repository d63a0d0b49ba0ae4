"""Keeping ``lms_status_facts`` true: one row per (person, course) with what its status is
worked out from, rewritten in the transaction of every write that changes it.

- :func:`refresh` re-derives the rows of some people for a course from the source tables
  (periods, open assignments, learner records). The certification services call it after
  writing an assignment, a period or a revocation, before their commit.
- :func:`mark_started` records that a learner record exists; the quizzes and scenarios
  send ``lms.signals.activity_recorded`` for it (they sit below certification).
- :func:`rebuild` re-derives every row (the migration that adds the table, the benchmark's
  bulk-loaded organisation, a repair); :func:`differences` lists the rows that disagree
  with the source tables, for ``flask lms check-statuses``.

Concurrency: on PostgreSQL, :func:`refresh` first locks the rows it will rewrite (creating
them if missing) and only then reads the source tables. Two transactions refreshing the
same person and course therefore run one after the other, and the second one's read,
taken after the first committed, sees both writes; without the lock each could read
before the other's commit and the last to write would drop the other's fact. The rows
are locked in key order, so two bulk refreshes cannot deadlock on each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, delete, exists, func, literal, or_, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from lms.accounts.models import Person
from lms.certification.models import Assignment, CertificationPeriod, StatusFacts
from lms.courses.models import ModuleProgress
from lms.db import session
from lms.quizzes.models import Attempt
from lms.scenarios.models import ScenarioRun

#: The columns a row holds besides its key, in the order :func:`_derived` selects them.
FACT_COLUMNS = (
    "certified_on",
    "valid_until",
    "window_opens_on",
    "revoked_on",
    "version_id",
    "assignment_id",
    "due_on",
    "reason",
    "started",
)
#: At most this many differing pairs are listed by one :func:`differences` call.
DIFFERENCES = 1000
#: People per statement: well under SQLite's 32,766 bound parameters.
CHUNK = 5000
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_RECORDS = (ModuleProgress, Attempt, ScenarioRun)


def _insert():
    return _INSERTS[session.get_bind().dialect.name](StatusFacts)


def _derived(keys):
    """For each (person_id, course_id) row of ``keys``: the facts, from the source tables.

    The latest period is the one of the highest ``sequence`` (an index probe of the
    unique key per pair); the open assignment is unique per pair (a partial unique index).
    """
    cp, a, other = CertificationPeriod, Assignment, aliased(CertificationPeriod)
    latest = (
        select(func.max(other.sequence))
        .where(other.person_id == keys.c.person_id, other.course_id == keys.c.course_id)
        .scalar_subquery()
    )
    started = or_(
        *(
            exists().where(m.person_id == keys.c.person_id, m.course_id == keys.c.course_id)
            for m in _RECORDS
        )
    )
    return (
        select(
            keys.c.person_id,
            keys.c.course_id,
            cp.certified_on,
            cp.valid_until,
            cp.window_opens_on,
            cp.revoked_on,
            cp.version_id,
            a.id,
            a.due_on,
            a.reason,
            started,
        )
        .select_from(keys)
        .outerjoin(
            cp,
            and_(
                cp.person_id == keys.c.person_id,
                cp.course_id == keys.c.course_id,
                cp.sequence == latest,
            ),
        )
        .outerjoin(
            a,
            and_(
                a.person_id == keys.c.person_id,
                a.course_id == keys.c.course_id,
                a.closed_on.is_(None),
            ),
        )
        # SQLite parses ``INSERT ... SELECT ... JOIN ... ON CONFLICT`` only with a WHERE.
        .where(keys.c.person_id.is_not(None))
    )


def _upsert(keys) -> None:
    """Write the derived facts of ``keys``' pairs over their rows (or as new rows)."""
    stmt = _insert().from_select(["person_id", "course_id", *FACT_COLUMNS], _derived(keys))
    stmt = stmt.on_conflict_do_update(
        index_elements=["person_id", "course_id"],
        set_={c: stmt.excluded[c] for c in FACT_COLUMNS},
    )
    session.execute(stmt)


def _lock(course_id: int, person_ids: list[int]) -> None:
    """PostgreSQL: create the missing rows and lock all of them, in key order."""
    f = StatusFacts
    session.execute(
        _insert()
        .values([{"person_id": p, "course_id": course_id} for p in person_ids])
        .on_conflict_do_nothing(index_elements=["person_id", "course_id"])
    )
    session.execute(
        select(f.person_id)
        .where(f.course_id == course_id, f.person_id.in_(person_ids))
        .order_by(f.person_id)
        .with_for_update()
    ).all()


def refresh(course_id: int, person_ids: Iterable[int]) -> None:
    """Re-derive these people's rows for ``course_id`` in the caller's transaction (no
    commit): after a write to their assignments, periods or learner records."""
    ids = sorted(set(person_ids))
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if postgres:
            _lock(course_id, chunk)
        _upsert(
            select(Person.id.label("person_id"), literal(course_id).label("course_id"))
            .where(Person.id.in_(chunk))
            .subquery("keys")
        )


def mark_started(person_id: int, course_id: int) -> None:
    """Record that the person has a learner record on the course (caller's transaction).
    Writes nothing when the row already says so."""
    f = StatusFacts.__table__
    stmt = _insert().values(person_id=person_id, course_id=course_id, started=True)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["person_id", "course_id"],
            set_={"started": True},
            where=f.c.started.is_(False),
        )
    )


def on_activity_recorded(app, *, person_id: int, course_id: int, **extra) -> None:
    """The receiver of ``lms.signals.activity_recorded``."""
    mark_started(person_id, course_id)


def _every_pair():
    """Every (person, course) pair with a row in any source table."""
    parts = [
        select(m.person_id.label("person_id"), m.course_id.label("course_id"))
        for m in (Assignment, CertificationPeriod, *_RECORDS)
    ]
    return union(*parts).subquery("keys")


def rebuild() -> int:
    """Re-derive every row from the source tables (caller's transaction); the number of
    rows written."""
    session.execute(delete(StatusFacts))
    _upsert(_every_pair())
    return session.scalar(select(func.count()).select_from(StatusFacts)) or 0


def _something(columns) -> object:
    """A row that says anything: a period, an open assignment or a learner record (a row
    of nothing reads as no row: not assigned)."""
    return or_(
        columns["certified_on"].is_not(None),
        columns["assignment_id"].is_not(None),
        columns["started"].is_(True),
    )


def differences(limit: int = DIFFERENCES) -> list[tuple[int, int]]:
    """(person_id, course_id) of up to ``limit`` pairs whose row disagrees with the source
    tables: missing, left over, or different."""
    derived = _derived(_every_pair()).subquery("derived")
    f = StatusFacts.__table__
    names = ("person_id", "course_id", *FACT_COLUMNS)
    fresh_columns = dict(zip(names, derived.c, strict=True))
    stored = select(*(f.c[n] for n in names)).where(_something(f.c))
    fresh = select(*fresh_columns.values()).where(_something(fresh_columns))
    found: set[tuple[int, int]] = set()
    # Each way round on its own: SQLite cannot nest a compound SELECT in another.
    for compound in (stored.except_(fresh), fresh.except_(stored)):
        found.update((row[0], row[1]) for row in session.execute(compound.limit(limit)))
    return sorted(found)[:limit]


def repair(pairs: Iterable[tuple[int, int]]) -> None:
    """Re-derive the given pairs' rows in the caller's transaction (e.g.
    :func:`differences`'), each course's people in one :func:`refresh`."""
    by_course: dict[int, list[int]] = {}
    for person_id, course_id in pairs:
        by_course.setdefault(course_id, []).append(person_id)
    for course_id, people in sorted(by_course.items()):
        refresh(course_id, people)
