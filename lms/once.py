"""Writes that must happen once: ``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL.

A read-then-insert lets two concurrent requests both see "not there yet" and both insert.
Instead the table carries a unique key (or a partial unique index) and the insert is told
to skip a row that would break it; ``RETURNING`` says which rows really went in, so the
caller records side effects (audit events, e-mails) only for those::

    stmt = insert_ignoring_duplicates(Assignment, ["person_id", "course_id"],
                                      where=Assignment.closed_on.is_(None))
    inserted = session.execute(stmt.values(rows).returning(Assignment.person_id)).scalars().all()

The conflict target must name a unique index exactly (columns, and its ``WHERE`` for a
partial one): a conflict on any other unique key still raises ``IntegrityError``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from lms.db import session

_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class UnsupportedDatabase(RuntimeError):
    """The database has no INSERT ... ON CONFLICT the LMS can use (PostgreSQL and SQLite do)."""


def insert_ignoring_duplicates(model: Any, index_elements: list[str], *, where: Any = None):
    """An INSERT into ``model``'s table that skips rows conflicting on ``index_elements``."""
    name = session.get_bind().dialect.name
    try:
        insert = _DIALECTS[name]
    except KeyError:
        raise UnsupportedDatabase(
            f"the LMS runs on PostgreSQL or SQLite, not {name}: it needs INSERT ... ON CONFLICT"
        ) from None
    return insert(model).on_conflict_do_nothing(index_elements=index_elements, index_where=where)
