"""Alembic, pointed at the LMS's own migrations and version table.

``flask lms db upgrade`` works in any app, including a host that runs its own
Flask-Migrate for its own tables: the LMS keeps its history in ``lms_alembic_version``
and only ever compares or touches lms_* tables. The migrations ship inside the package
(``lms.paths``), so upgrading the package upgrades them with it.

The other direction matters as much: a host's own autogenerate must never see the lms_*
tables. :func:`exclude_lms_tables` makes the Alembic filters that hide them; the LMS chains
them into a host's Flask-Migrate by itself (``lms.hosting``), and a host with a custom
``env.py`` passes them to ``context.configure`` in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import current_app

from lms.paths import migrations_dir

VERSION_TABLE = "lms_alembic_version"
TABLE_PREFIX = "lms_"


class MigrationsNotFound(RuntimeError):
    """The migrations folder is missing; the message names the setting to change."""


def is_lms_table(name: str | None) -> bool:
    """True for the tables the LMS owns: every ``lms_*`` table and its version table."""
    return bool(name) and name.startswith(TABLE_PREFIX)


def exclude_lms_tables(
    include_object: Callable | None = None, include_name: Callable | None = None
) -> dict[str, Callable]:
    """Alembic ``include_object`` / ``include_name`` filters that hide the lms_* tables.

    Pass the host's own filters (if any) and they still decide about everything else::

        context.configure(connection=connection, target_metadata=metadata,
                          **lms.migrate.exclude_lms_tables(my_include_object))
    """
    if getattr(include_object, "_lms_excludes", False):
        return {"include_object": include_object, "include_name": include_name}

    def lms_include_name(name, type_, parent_names):
        if type_ == "table" and is_lms_table(name):
            return False
        return include_name(name, type_, parent_names) if include_name else True

    def lms_include_object(obj, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        if is_lms_table(table):
            return False
        return include_object(obj, name, type_, reflected, compare_to) if include_object else True

    lms_include_name._lms_excludes = lms_include_object._lms_excludes = True
    return {"include_object": lms_include_object, "include_name": lms_include_name}


def migrations_directory() -> Path:
    """The LMS migrations: ``LMS_MIGRATIONS_DIR`` if set, else those shipped with the package."""
    configured = current_app.config.get("LMS_MIGRATIONS_DIR")
    directory = Path(configured) if configured else migrations_dir()
    if directory is None or not (directory / "env.py").is_file():
        where = directory or "the installed package"
        raise MigrationsNotFound(
            f"no LMS migrations in {where}: unset LMS_MIGRATIONS_DIR to use the migrations "
            "shipped with the package, or point it at a folder holding env.py"
        )
    return directory


def alembic_config() -> Config:
    """An Alembic config for the LMS migrations of the current app."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.attributes["lms_managed"] = True
    return config


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def current() -> str | None:
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


def at_head() -> bool:
    """Whether the app's database is at the newest LMS migration."""
    from alembic.script import ScriptDirectory

    return current() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)
