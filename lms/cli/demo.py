"""``flask lms demo``: the demo organisation."""

from __future__ import annotations

import click
from flask import current_app

from lms.cli.group import lms_cli, needs_schema
from lms.demo import load_demo
from lms.web.urls import BaseURLMissing, absolute_url


@lms_cli.command("demo")
@needs_schema
def demo_cmd():
    """Load the demo organisation (idempotent) and print how to sign in."""
    people = load_demo(current_app.config["LMS_DEMO_PASSWORD"])
    try:
        where = absolute_url(
            "lms.accounts.login" if current_app.extensions["lms"].standalone else "lms.home.index"
        )
    except BaseURLMissing:
        where = "the LMS (set LMS_BASE_URL to print its address)"
    click.echo(f"Demo organisation ready at {where}")
    click.echo(f"Password for every demo account: {current_app.config['LMS_DEMO_PASSWORD']}")
    for person in people:
        click.echo(f"  {person.role:<10} {person.email}")
