"""The outbox worker: claim due jobs, deliver them, record the outcome.

How several workers (processes, machines) share the queue without delivering a job twice:

1. **Claim** a batch in one short transaction: ``UPDATE ... WHERE id IN (SELECT ... FOR
   UPDATE SKIP LOCKED LIMIT n)`` sets a lease (``locked_by`` = this claim's token,
   ``locked_until`` = now + ``LMS_OUTBOX_LEASE_SECONDS``) and counts the attempt. On
   PostgreSQL, SKIP LOCKED lets a second worker claim other rows instead of waiting; on
   SQLite (no row locks) the single UPDATE runs under the database's write lock, so two
   claims are simply serialised. Either way a leased row is not due for anyone else.
2. Before each delivery the lease is **renewed** by an UPDATE that checks the token, so
   a job whose lease ran out and was taken by another worker is skipped, not sent again.
3. After each delivery the job is **marked** done (or failed) in its own commit. A worker
   killed at any point leaves at most the job in flight delivered but unmarked; it is
   retried when its lease expires, and its stable key and Message-ID let the file
   backend (and most mail systems) recognise the repeat.

Failures are retried with exponential backoff (``LMS_OUTBOX_RETRY_SECONDS`` doubled per
attempt, at most ``LMS_OUTBOX_RETRY_MAX_SECONDS``) until ``LMS_OUTBOX_MAX_ATTEMPTS``;
then the job is ``dead``. ``now`` can be passed in (tests); otherwise it is the wall clock.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from lms.db import session
from lms.outbox.models import OutboxJob, Status
from lms.outbox.queue import real_now
from lms.outbox.registry import Handler, Job, Permanent, handlers

log = logging.getLogger(__name__)

DEFAULTS = {
    "LMS_OUTBOX_LEASE_SECONDS": 300,
    "LMS_OUTBOX_MAX_ATTEMPTS": 10,
    "LMS_OUTBOX_RETRY_SECONDS": 60,
    "LMS_OUTBOX_RETRY_MAX_SECONDS": 6 * 3600,
}
ERROR_MAX = 2000


def setting(name: str) -> float:
    """An ``LMS_OUTBOX_*`` number from the app's config, else its default."""
    value = current_app.config.get(name)
    return float(DEFAULTS[name] if value is None else value)


def backoff(attempts: int, base: float, cap: float) -> timedelta:
    """The wait after failed attempt number ``attempts`` (1, 2, ...): base, 2x, 4x, ...
    never more than ``cap`` seconds."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def worker_name() -> str:
    """Host and process, so an operator can tell whose lease a row holds."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass
class Outcome:
    """What one run did, for the CLI."""

    claimed: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    retrying: list[tuple[Job, str, datetime]] = field(default_factory=list)
    dead: list[tuple[Job, str]] = field(default_factory=list)
    lost: int = 0  # leases another worker took over (a delivery slower than the lease)

    def add(self, other: Outcome) -> None:
        self.claimed += other.claimed
        for kind, n in other.delivered.items():
            self.delivered[kind] = self.delivered.get(kind, 0) + n
        self.retrying += other.retrying
        self.dead += other.dead
        self.lost += other.lost


class _Batch:
    """One claimed batch: its token, clock and the outcome it adds to."""

    def __init__(self, clock: Callable[[], datetime], outcome: Outcome):
        self.token = f"{worker_name()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.outcome = outcome
        self.lease = timedelta(seconds=setting("LMS_OUTBOX_LEASE_SECONDS"))

    def claim(self, limit: int, kinds: list[str]) -> list[Job]:
        now = self.clock()
        due = (
            select(OutboxJob.id)
            .where(
                OutboxJob.status == Status.PENDING.value,
                OutboxJob.next_attempt_at <= now,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
                OutboxJob.kind.in_(kinds),
            )
            .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )  # SQLite: not rendered; see the docstring
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id.in_(due))
            .values(
                locked_by=self.token, locked_until=now + self.lease, attempts=OutboxJob.attempts + 1
            )
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(
                OutboxJob.id,
                OutboxJob.kind,
                OutboxJob.key,
                OutboxJob.payload,
                OutboxJob.attempts,
                OutboxJob.created_at,
            )
            .where(OutboxJob.locked_by == self.token)
            .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
        ).all()
        session.commit()
        return [Job(*row) for row in rows]

    def _mine(self, job: Job):
        return update(OutboxJob).where(
            OutboxJob.id == job.id,
            OutboxJob.locked_by == self.token,
            OutboxJob.status == Status.PENDING.value,
        )

    def renew(self, job: Job) -> bool:
        """Extend the lease just before delivering; False if it is no longer ours."""
        result = session.execute(
            self._mine(job)
            .values(locked_until=self.clock() + self.lease)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if result.rowcount != 1:
            self.outcome.lost += 1
            log.warning("outbox job %s/%s: lease lost before delivery; skipped", job.kind, job.key)
            return False
        return True

    def done(self, job: Job, handler: Handler) -> None:
        values = {
            "status": Status.DONE.value,
            "done_at": self.clock(),
            "locked_by": None,
            "locked_until": None,
            "last_error": None,
        }
        if not handler.keep_payload:
            values["payload"] = {}
        result = session.execute(
            self._mine(job).values(**values).execution_options(synchronize_session=False)
        )
        session.commit()  # with whatever the handler wrote in the session
        if result.rowcount != 1:
            log.warning("outbox job %s/%s delivered after its lease ran out", job.kind, job.key)
        self.outcome.delivered[job.kind] = self.outcome.delivered.get(job.kind, 0) + 1

    def failed(self, job: Job, handler: Handler, error: BaseException | str) -> None:
        session.rollback()  # drop whatever the failing handler wrote
        now = self.clock()
        message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        message = message[:ERROR_MAX]
        limit = handler.max_attempts or int(setting("LMS_OUTBOX_MAX_ATTEMPTS"))
        values = {"locked_by": None, "locked_until": None, "last_error": message}
        if isinstance(error, Permanent) or job.attempts >= limit:
            values.update(status=Status.DEAD.value, next_attempt_at=now)
            self.outcome.dead.append((job, message))
            log.error(
                "outbox job %s/%s is dead after %d attempt(s): %s",
                job.kind,
                job.key,
                job.attempts,
                message,
            )
        else:
            base = handler.retry_seconds or setting("LMS_OUTBOX_RETRY_SECONDS")
            retry_at = now + backoff(job.attempts, base, setting("LMS_OUTBOX_RETRY_MAX_SECONDS"))
            values["next_attempt_at"] = retry_at
            self.outcome.retrying.append((job, message, retry_at))
            log.warning(
                "outbox job %s/%s failed (attempt %d), retry at %s: %s",
                job.kind,
                job.key,
                job.attempts,
                retry_at.isoformat(),
                message,
            )
        session.execute(
            self._mine(job).values(**values).execution_options(synchronize_session=False)
        )
        session.commit()

    def release(self, jobs: list[Job]) -> None:
        """Give back claimed jobs that were not attempted (the worker is stopping)."""
        if not jobs:
            return
        session.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id.in_([j.id for j in jobs]),
                OutboxJob.locked_by == self.token,
                OutboxJob.status == Status.PENDING.value,
            )
            .values(locked_by=None, locked_until=None, attempts=OutboxJob.attempts - 1)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _deliver_kind(
    batch: _Batch, handler: Handler, jobs: list[Job], stop: Callable[[], bool]
) -> None:
    """Deliver one kind's share of a batch, opening its batch context (if any) once."""
    limit = handler.max_attempts or int(setting("LMS_OUTBOX_MAX_ATTEMPTS"))
    deliver = handler.deliver
    stack = ExitStack()
    try:
        for index, job in enumerate(jobs):
            if stop():
                batch.release(jobs[index:])
                return
            if not batch.renew(job):
                continue
            if job.attempts > limit:  # claimed again and again: it stops the worker itself
                batch.failed(
                    job,
                    handler,
                    f"given up: the worker stopped while delivering it {job.attempts - 1} time(s)",
                )
                continue
            if deliver is None:
                try:
                    deliver = stack.enter_context(handler.batch())
                except Exception as exc:  # e.g. the SMTP server refuses connections
                    for rest in jobs[index:]:
                        batch.failed(rest, handler, exc)
                    return
            try:
                deliver(job)
            except Exception as exc:
                batch.failed(job, handler, exc)
            else:
                batch.done(job, handler)
    finally:
        try:
            stack.close()
        except Exception:
            # Closing failed (an SMTP QUIT that errors): every job is already marked.
            log.exception("closing the %s delivery context failed", handler.kind)


def run_batch(
    *,
    limit: int = 50,
    kinds: list[str] | None = None,
    now: datetime | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Claim up to ``limit`` due jobs (of ``kinds``, default every registered kind) and
    deliver them; returns what happened."""
    known = handlers()
    wanted = [k for k in (kinds or known) if k in known]
    outcome = Outcome()
    batch = _Batch((lambda: now) if now else real_now, outcome)
    jobs = batch.claim(limit, wanted)
    outcome.claimed = len(jobs)
    by_kind: dict[str, list[Job]] = {}
    for job in jobs:
        by_kind.setdefault(job.kind, []).append(job)
    for kind, group in by_kind.items():
        _deliver_kind(batch, known[kind], group, stop)
    return outcome


def run(
    *,
    limit: int = 50,
    kinds: list[str] | None = None,
    now: datetime | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Deliver batch after batch until nothing is due (or ``stop()`` says so)."""
    total = Outcome()
    while not stop():
        outcome = run_batch(limit=limit, kinds=kinds, now=now, stop=stop)
        total.add(outcome)
        if outcome.claimed < limit:
            break
    return total
