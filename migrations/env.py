"""Alembic environment of the LMS: only lms_* tables, own version table, batch mode.

Used by both ``flask --app app db ...`` (Flask-Migrate, standalone) and
``flask lms db ...`` (any app, including a host with migrations of its own).
"""

from alembic import context
from flask import current_app

import lms.models  # noqa: F401 - registers every table on the metadata
from lms.db import Base
from lms.migrate import VERSION_TABLE, is_lms_table


def include_object(obj, name, type_, reflected, compare_to):
    """Never compare, create or drop a host's tables: the LMS owns lms_* only."""
    if type_ == "table":
        return is_lms_table(name)
    return True


def _options() -> dict:
    return {
        "target_metadata": Base.metadata,
        "version_table": VERSION_TABLE,
        "include_object": include_object,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        "render_as_batch": True,
        "compare_type": True,
    }


def run_migrations_offline() -> None:
    url = str(current_app.extensions["sqlalchemy"].engine.url)
    context.configure(url=url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as connection:
        context.configure(connection=connection, **_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
