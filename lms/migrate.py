"""Alembic, pointed at the LMS's own migrations and version table.

``flask lms db upgrade`` works in any app, including a host that runs its own
Flask-Migrate for its own tables: the LMS keeps its history in ``lms_alembic_version``
and only ever compares or touches lms_* tables.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import current_app

VERSION_TABLE = "lms_alembic_version"


def alembic_config() -> Config:
    """An Alembic config for the LMS migrations of the current app."""
    directory = current_app.config["LMS_MIGRATIONS_DIR"]
    config = Config()
    config.set_main_option("script_location", directory)
    config.attributes["lms_managed"] = True
    return config


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def current() -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)
