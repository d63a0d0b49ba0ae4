"""``flask lms send-mail``: deliver the outbox (``lms.outbox.cli`` does the work)."""

from __future__ import annotations

import sys

import click

from lms.cli.group import lms_cli, needs_schema
from lms.outbox import cli as outbox_cli


@lms_cli.command("send-mail")
@click.option(
    "--batch",
    "batch",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Jobs claimed at a time.",
)
@click.option("--loop", is_flag=True, help="Keep running (a worker); stop with SIGTERM or Ctrl-C.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=5.0,
    show_default=True,
    help="With --loop: seconds to wait when nothing is due.",
)
@click.option("--kind", "kinds", multiple=True, help="Deliver only this kind (repeatable).")
@click.option("--retry-dead", is_flag=True, help="Put dead jobs back in the queue first.")
@click.option(
    "--status",
    "status_only",
    is_flag=True,
    help="Only print the queue's state; exit 1 if there are dead jobs.",
)
@needs_schema
def send_mail_cmd(batch, loop, interval, kinds, retry_dead, status_only):
    """Deliver the outbox: e-mails (and every other queued job kind).

    By default one run for cron: deliver everything due now, print what happened, exit
    (1 if a job died in this run). Several runs or workers, on several machines, share
    the queue safely. Failed jobs are retried with backoff; dead ones are listed.
    """
    sys.exit(
        outbox_cli.main(
            batch=batch,
            loop=loop,
            interval=interval,
            kinds=list(kinds),
            retry_dead=retry_dead,
            status_only=status_only,
        )
    )
