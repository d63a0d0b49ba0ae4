"""The LMS's declarative base and access to the session of the app's Flask-SQLAlchemy.

The models use their own ``DeclarativeBase`` with a constraint naming convention, not a
particular ``db.Model``: the same classes then work with the host's Flask-SQLAlchemy
instance or with the one the standalone app creates. Flask-SQLAlchemy routes tables
without a bind key to the default engine, so the lms_* tables live in the app's database.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from flask import current_app
from sqlalchemy import MetaData, text
from sqlalchemy.orm import DeclarativeBase, scoped_session
from werkzeug.local import LocalProxy

from lms.clock import now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest id an INTEGER primary key holds on PostgreSQL; URLs and inputs above it
#: are "not found", never a database error.
MAX_ID = 2**31 - 1


class Base(DeclarativeBase):
    """Declarative base of every lms_* table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC (portable between SQLite and PostgreSQL).

    Goes through ``lms.clock.now`` so that a pinned ``LMS_TODAY`` moves timestamps too.
    """
    return now()


def _session() -> scoped_session:
    return current_app.extensions["sqlalchemy"].session


#: The request's SQLAlchemy session (the app's Flask-SQLAlchemy session).
session: scoped_session = LocalProxy(_session)  # type: ignore[assignment]


def database_answers() -> bool:
    """Whether the database answers a trivial statement now (the health check's question).

    On failure the session is dropped, so the next request starts with a fresh connection
    instead of a broken one.
    """
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        with suppress(Exception):
            session.remove()
        return False
    return True


def core_rows(statement, params: dict | None = None) -> list:
    """The rows of a column select (no ORM entities), run on the session's connection in
    its transaction. It skips the ORM's execute layer, which costs about as much as the
    rest of running a small statement: for the statements every learner page runs."""
    return session.connection().execute(statement, params or {}).all()
