"""The ``flask lms`` group, and what its commands share: the schema check and the
``--today`` option."""

from __future__ import annotations

import functools
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from lms.api.cli import register as register_api_commands
from lms.clock import today as clock_today
from lms.interop.cli import register as register_interop_commands

lms_cli = AppGroup("lms", help="Training and certification LMS.")
register_api_commands(lms_cli)
register_interop_commands(lms_cli)

#: ``--today YYYY-MM-DD``: run as if it were that day (the value is ``today_``).
today_option = click.option(
    "--today",
    "today_",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (YYYY-MM-DD).",
)


def day_of(today_: datetime | None) -> date:
    """The day a command acts on: ``--today`` if given, else the clock's today."""
    return today_.date() if today_ else clock_today()


def needs_schema(command):
    """Turn "no such table" into an instruction instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        engine = current_app.extensions["sqlalchemy"].engine
        if "lms_person" not in inspect(engine).get_table_names():
            raise click.ClickException(
                "the database has no LMS tables yet: run `flask lms db upgrade` first"
            )
        return command(*args, **kwargs)

    return wrapper
