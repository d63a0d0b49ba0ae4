"""What ``flask lms send-mail`` does and prints (the command itself is in ``lms.cli.mail``)."""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import click
from sqlalchemy.exc import SQLAlchemyError

from lms.db import session
from lms.outbox.queue import QueueState, queue_state, real_now
from lms.outbox.queue import retry_dead as requeue_dead
from lms.outbox.registry import handlers
from lms.outbox.worker import Outcome, run


def _when(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def print_outcome(outcome: Outcome) -> None:
    """One line of totals, then a line per job that failed in this run."""
    total = sum(outcome.delivered.values())
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.delivered.items()))
    line = f"Delivered {total}" + (f" ({kinds})" if kinds else "")
    line += f"; {len(outcome.retrying)} to retry; {len(outcome.dead)} dead."
    if outcome.lost:
        line += f" {outcome.lost} skipped (another worker took them over)."
    click.echo(line)
    for job, error, retry_at in outcome.retrying:
        click.echo(
            f"  retry {job.kind} {job.key} (attempt {job.attempts}) at {_when(retry_at)}: {error}"
        )
    for job, error in outcome.dead:
        click.echo(
            f"  DEAD  {job.kind} {job.key} after {job.attempts} attempt(s): {error}", err=True
        )


def print_state(state: QueueState, now: datetime) -> None:
    """The queue's totals, how long the oldest due job has waited, and the dead jobs."""
    line = (
        f"Outbox: {state.pending} pending ({state.retrying} retrying), {state.dead} dead, "
        f"{state.done} delivered."
    )
    if state.oldest_due is not None:
        waited = max(0, int((now - state.oldest_due).total_seconds()))
        line += f" Oldest due job has waited {waited} s."
    click.echo(line)
    if state.dead_jobs:
        click.echo("Dead jobs (newest first):", err=True)
        for job in state.dead_jobs:
            click.echo(
                f"  {job.kind} {job.key}: {job.attempts} attempt(s), last at "
                f"{_when(job.next_attempt_at)}: {job.last_error}",
                err=True,
            )
        click.echo("Fix the cause, then run `flask lms send-mail --retry-dead`.", err=True)


class StopFlag:
    """Set by SIGTERM or SIGINT, so a worker finishes the job in hand and exits."""

    def __init__(self) -> None:
        self.event = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.event.set())

    def __call__(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> None:
        self.event.wait(seconds)


def _loop(batch: int, interval: float, kinds: list[str] | None) -> int:
    stop = StopFlag()
    click.echo(f"Outbox worker started (batch {batch}, every {interval:g} s when idle).")
    while not stop():
        try:
            outcome = run(limit=batch, kinds=kinds, stop=stop)
        except SQLAlchemyError as exc:  # the database restarting: wait and carry on
            session.rollback()
            click.echo(f"database error, retrying in {interval:g} s: {exc}", err=True)
            outcome = Outcome()
        finally:
            session.remove()  # no connection or transaction held while idle
        if outcome.claimed:
            print_outcome(outcome)
        if outcome.claimed < batch:
            stop.wait(interval)
    click.echo("Outbox worker stopped.")
    return 0


def main(
    *,
    batch: int,
    loop: bool,
    interval: float,
    kinds: list[str],
    retry_dead: bool,
    status_only: bool,
) -> int:
    """Run the command; returns its exit code."""
    known = handlers()
    unknown = sorted(set(kinds) - set(known))
    if unknown:
        raise click.UsageError(
            f"unknown kind(s) {', '.join(unknown)}; registered: {', '.join(sorted(known))}"
        )
    if status_only:
        state = queue_state()
        print_state(state, real_now())
        return 1 if state.dead else 0
    if retry_dead:
        count = requeue_dead(kinds or None)
        session.commit()
        click.echo(f"{count} dead job(s) put back in the queue.")
    if loop:
        return _loop(batch, interval, kinds or None)
    outcome = run(limit=batch, kinds=kinds or None)
    print_outcome(outcome)
    print_state(queue_state(), real_now())
    return 1 if outcome.dead else 0
