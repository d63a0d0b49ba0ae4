"""``flask lms create-user`` and ``flask lms import-people``."""

from __future__ import annotations

import sys

import click

from lms.accounts import services as accounts
from lms.cli.group import lms_cli, needs_schema
from lms.people import services as people


@lms_cli.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "manager", "employee", "candidate"]),
    default="employee",
    show_default=True,
)
@click.option("--department", default=None)
@click.option("--manager-email", default=None)
@click.password_option(help="At least 10 characters.")
@needs_schema
def create_user(email, name, role, department, manager_email, password):
    """Create a person who can sign in."""
    manager = None
    if manager_email:
        manager = accounts.find_by_email(manager_email)
        if manager is None:
            raise click.ClickException(f"no person with e-mail {manager_email}")
    try:
        person = accounts.create_person(
            email=email,
            name=name,
            role=role,
            password=password,
            department=department,
            manager=manager,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {person.role} {person.email}.")


@lms_cli.command("import-people")
@click.argument("csv_file", type=click.File("rb"))
@needs_schema
def import_people(csv_file):
    """Create or update people from a CSV (email,name,role,manager_email,department).

    Every row is checked first; if any row is wrong nothing is imported.
    """
    raw = csv_file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        click.echo(
            f"{csv_file.name}: line {line}: not valid UTF-8 (save the file as UTF-8 CSV)", err=True
        )
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    try:
        result = people.import_people(text)
    except people.ImportError_ as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file.name}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
