"""``flask lms db ...``: the LMS schema (Alembic, own version table)."""

from __future__ import annotations

import functools

import click

from lms import migrate
from lms.cli.group import lms_cli


@lms_cli.group("db")
def db_group():
    """The LMS schema (Alembic, own version table lms_alembic_version)."""


def _migrations(command):
    """A missing migrations folder is one clear line, not an Alembic traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except migrate.MigrationsNotFound as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@db_group.command("upgrade")
@click.argument("revision", default="head")
@_migrations
def db_upgrade(revision):
    """Build or update the lms_* tables."""
    migrate.upgrade(revision)
    click.echo(f"LMS schema at {migrate.current() or revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@_migrations
def db_downgrade(revision):
    """Step the lms_* tables back to REVISION (``base`` drops them)."""
    migrate.downgrade(revision)


@db_group.command("current")
def db_current():
    """Print the schema revision of the database."""
    click.echo(migrate.current() or "(empty)")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@_migrations
def db_revision(message):
    """Write a new migration from the difference between models and database."""
    migrate.revision(message)
