"""``flask lms create-token | revoke-token | list-tokens``: API tokens for HR integrations.

``lms.cli.group`` adds these to the ``flask lms`` group with ``register(lms_cli)``.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.accounts.services import find_by_email
from lms.api.auth import create_token, list_tokens, revoke_token


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@click.command("create-token")
@click.argument("name")
@click.option(
    "--by",
    "by_email",
    default=None,
    metavar="EMAIL",
    help="E-mail of the admin creating the token (recorded in the audit log).",
)
@with_appcontext
def create_token_cmd(name, by_email):
    """Create an API token called NAME and print it (once: only its hash is stored).

    A token acts as an admin-level integration: it reads the whole organisation and may
    create and update people and assign courses.
    """
    by = None
    if by_email:
        by = find_by_email(by_email)
        if by is None:
            raise click.ClickException(f"no person with e-mail {by_email}")
        if not by.is_admin:
            raise click.ClickException(f"{by.email} is not an admin")
    try:
        token, plaintext = create_token(name, by=by)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created API token {token.id} ({token.name}).")
    click.echo(plaintext)
    click.echo("Copy it now: it will not be shown again (only its hash is stored).", err=True)


@click.command("revoke-token")
@click.argument("token_id", type=int)
@click.option(
    "--by",
    "by_email",
    default=None,
    metavar="EMAIL",
    help="E-mail of the admin revoking the token (recorded in the audit log).",
)
@with_appcontext
def revoke_token_cmd(token_id, by_email):
    """Revoke the API token with id TOKEN_ID (see list-tokens); it stops working at once."""
    by = find_by_email(by_email) if by_email else None
    if by_email and by is None:
        raise click.ClickException(f"no person with e-mail {by_email}")
    try:
        token = revoke_token(token_id, by=by)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Revoked API token {token.id} ({token.name}, {token.prefix}...).")


@click.command("list-tokens")
@with_appcontext
def list_tokens_cmd():
    """List API tokens: id, name, prefix, created, last used, revoked."""
    tokens = list_tokens()
    if not tokens:
        click.echo("No API tokens.")
        return
    click.echo(
        f"{'ID':>4}  {'NAME':<24} {'PREFIX':<10} {'CREATED (UTC)':<16}  {'LAST USED':<16}  REVOKED"
    )
    for t in tokens:
        click.echo(
            f"{t.id:>4}  {t.name[:24]:<24} {t.prefix:<10} {_when(t.created_at):<16}  "
            f"{_when(t.last_used_at):<16}  {_when(t.revoked_at) if t.revoked_at else 'no'}"
        )


COMMANDS = (create_token_cmd, revoke_token_cmd, list_tokens_cmd)


def register(group: click.Group) -> None:
    """Add the token commands to ``group`` (the ``flask lms`` group)."""
    for command in COMMANDS:
        group.add_command(command)
