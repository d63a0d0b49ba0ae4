"""The organisation's status counts per course, direct manager, department and status on
one day (``lms_status_rollup``), for the organisation report at any size. PostgreSQL only;
elsewhere (SQLite, an embedded install) reports count from the status facts.

How the counts stay true (migration 0017 holds the triggers):

- :func:`rebuild` counts every reported person x course from the status facts for a day
  (``lms_status_on``, the status CASE as a SQL function), one row per group, and records
  the day. The daily run (``flask lms check-statuses``, which ``send-reminders`` runs
  first) calls it; until it has run on a day, reports on that day count from the facts.
- Between rebuilds, statement triggers on ``lms_status_facts``, ``lms_person`` and
  ``lms_course`` add, in the writing transaction, a row of +n/-n per group whose count the
  statement changed: a status move, a person joining, leaving or changing manager or
  department, a new or deleted course. Rows are only ever inserted, so concurrent writers
  do not queue on a shared counter, and a group's count is the sum of its rows.
- The triggers share-lock the day row and :func:`rebuild` locks it for update, so a
  rebuild waits for the writers in flight and counts their writes, and the writers that
  come after it count against the new day.
- Statuses that change with the date alone (renewal due, expired, overdue) are counted
  as of the rollup's day; a report on another day does not read the rollup.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, String, column, text

from lms.certification.scope import REPORTED
from lms.db import session

_REPORTED = ", ".join(f"'{s}'" for s in REPORTED)

#: Every reported person x course's status on :day, counted per group.
_COUNTS = f"""
SELECT c.id AS course_id, p.manager_id, p.department,
    lms_status_on(f.certified_on, f.revoked_on, f.valid_until, f.window_opens_on,
                  f.assignment_id IS NOT NULL, f.due_on, f.started, :day) AS status,
    count(*) AS people
FROM lms_person p CROSS JOIN lms_course c
LEFT JOIN lms_status_facts f ON f.person_id = p.id AND f.course_id = c.id
WHERE p.status IN ({_REPORTED})
GROUP BY 1, 2, 3, 4
"""

#: The rollup's groups with their summed counts (the zero ones left out).
_SUMMED = """
SELECT course_id, manager_id, department, status, sum(people)::integer AS people
FROM lms_status_rollup {where}
GROUP BY course_id, manager_id, department, status
HAVING sum(people) <> 0
"""


def _postgres() -> bool:
    return session.get_bind().dialect.name == "postgresql"


def built_for() -> date | None:
    """The day the rollup counts (None: not built, or not PostgreSQL)."""
    if not _postgres():
        return None
    return session.scalar(text("SELECT day FROM lms_status_rollup_day WHERE id = 1"))


def rebuild(day: date) -> int:
    """Count every group afresh for ``day``, in the caller's transaction; the number of
    groups. Waits for the writers in flight (the day row's lock). Nothing on SQLite."""
    if not _postgres():
        return 0
    session.execute(
        text(
            "INSERT INTO lms_status_rollup_day (id, day) VALUES (1, NULL) "
            "ON CONFLICT (id) DO NOTHING"
        )
    )
    session.execute(text("SELECT day FROM lms_status_rollup_day WHERE id = 1 FOR UPDATE"))
    session.execute(text("DELETE FROM lms_status_rollup"))
    session.execute(
        text(
            "INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people) "
            f"SELECT course_id, manager_id, department, status, people FROM ({_COUNTS}) AS c"
        ),
        {"day": day},
    )
    session.execute(text("UPDATE lms_status_rollup_day SET day = :day WHERE id = 1"), {"day": day})
    return session.scalar(text("SELECT count(*) FROM lms_status_rollup")) or 0


def differences(day: date) -> int:
    """How many groups' counts disagree with a fresh count on ``day`` (0 when the rollup
    is not built for that day: there is nothing to compare)."""
    if built_for() != day:
        return 0
    summed = _SUMMED.replace("{where}", "")
    return (
        session.scalar(
            text(
                f"SELECT count(*) FROM (({summed}) EXCEPT ({_COUNTS})"
                f" UNION ALL (({_COUNTS}) EXCEPT ({summed}))) AS d"
            ),
            {"day": day},
        )
        or 0
    )


def summed(course_id: int | None = None):
    """The rollup's groups (of one course, or all) as ``(course_id, manager_id,
    department, status, people)`` rows, a subquery for the report's GROUPING SETS."""
    if course_id is None:
        stmt = text(_SUMMED.replace("{where}", ""))
    else:
        stmt = text(_SUMMED.replace("{where}", "WHERE course_id = :course")).bindparams(
            course=course_id
        )
    return stmt.columns(
        column("course_id", Integer),
        column("manager_id", Integer),
        column("department", String),
        column("status", String),
        column("people", Integer),
    ).subquery("rollup")
