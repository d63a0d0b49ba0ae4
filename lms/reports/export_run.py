"""What the worker does for one ``export`` job: the CSV, chunk by chunk, with progress.

Two connections, for two reasons:

- The rows are read in the worker's session, in **one** transaction with the report
  planner settings (``SET LOCAL jit = off``, the longer ``LMS_EXPORT_TIMEOUT_MS``): a
  server-side cursor streams them, and ``SET LOCAL`` lasts exactly that transaction.
- Every chunk is written on a second connection and committed at once with the job's
  progress, so the job page (on any app server) sees the rows done as they grow. Each of
  those commits first extends the outbox lease *only if this worker still holds it*
  (``locked_by`` = its claim's token): a worker that lost its lease to another (a run
  slower than ``LMS_OUTBOX_LEASE_SECONDS``) cannot write another byte, and the one that
  took over starts the file again. No job is written by two workers.

On SQLite an open read blocks another connection's commit, so the rows are read in full
before the first chunk is written (SQLite is the single-machine, small-data default).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta

from sqlalchemy import Connection, delete, func, insert, select, update

from lms.db import session
from lms.i18n import force_locale
from lms.outbox.models import OutboxJob, Status
from lms.outbox.queue import real_now
from lms.outbox.registry import Job
from lms.outbox.worker import setting as outbox_setting
from lms.reports import exporting, queries
from lms.reports.export_jobs import decode, estimated_rows, setting
from lms.reports.export_models import ExportChunk, ExportJob, ExportStatus

log = logging.getLogger(__name__)


class LeaseLost(Exception):  # noqa: N818 - reads as ``raise LeaseLost(...)``
    """Another worker holds this job now: stop without writing."""


class _Counted:
    """The rows' CSV lines, counted as the writer takes them."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.count += 1
            yield line


class _Writer:
    """Writes one job's chunks and progress on its own connection, under the lease."""

    def __init__(self, conn: Connection, job: Job, token: str | None, export_id: int) -> None:
        self.conn, self.job, self.token, self.export_id = conn, job, token, export_id
        self.lease = timedelta(seconds=outbox_setting("LMS_OUTBOX_LEASE_SECONDS"))
        self.seq = 0

    def _hold_lease(self) -> None:
        held = self.conn.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == self.job.id,
                OutboxJob.locked_by == self.token,
                OutboxJob.status == Status.PENDING.value,
            )
            .values(locked_until=real_now() + self.lease)
        )
        if held.rowcount != 1:
            raise LeaseLost(f"export job {self.export_id}: another worker holds it now")

    def _progress(self, **values) -> None:
        self.conn.execute(update(ExportJob).where(ExportJob.id == self.export_id).values(**values))

    def start(self) -> None:
        """Begin (again): no chunks, nothing done, one more run."""
        with self.conn.begin():
            self._hold_lease()
            self.conn.execute(delete(ExportChunk).where(ExportChunk.job_id == self.export_id))
            self._progress(
                status=ExportStatus.RUNNING.value,
                rows_done=0,
                rows_total=None,
                bytes=0,
                chunks=0,
                error=None,
                runs=ExportJob.runs + 1,
            )

    def total(self, rows: int) -> None:
        with self.conn.begin():
            self._hold_lease()
            self._progress(rows_total=rows)

    def chunk(self, data: bytes, rows_done: int) -> None:
        """Store the next chunk with the rows written so far, in one commit."""
        with self.conn.begin():
            self._hold_lease()
            self.conn.execute(
                insert(ExportChunk).values(job_id=self.export_id, seq=self.seq, data=data)
            )
            self._progress(
                rows_done=rows_done, bytes=ExportJob.bytes + len(data), chunks=self.seq + 1
            )
        self.seq += 1

    def finish(self, rows: int) -> None:
        with self.conn.begin():
            self._hold_lease()
            self._progress(
                status=ExportStatus.DONE.value,
                rows_done=rows,
                rows_total=rows,
                open_key=None,  # a new click now asks for a new export
                finished_at=real_now(),
            )

    def fail(self, error: str) -> None:
        """The last attempt failed: say so, and free the key for a new request."""
        if self.conn.in_transaction():
            self.conn.rollback()
        with self.conn.begin():
            self._progress(
                status=ExportStatus.FAILED.value,
                open_key=None,
                error=error[:2000],
                finished_at=real_now(),
            )


def _count(scope: queries.Scope, today, filters: queries.Filters) -> int:
    """The rows the export will write. Without a status or date filter that is people x
    courses (one cheap count); with one, the statuses are counted (a second pass)."""
    if filters.status is None and filters.within_days is None:
        return estimated_rows(scope, filters, queries.latest_courses())
    table = queries.status_table(scope, today, filters)
    stmt = select(func.count()).select_from(table)
    return session.scalar(stmt.where(*queries.filter_conditions(table, today, filters))) or 0


def _write(writer: _Writer, params: dict) -> None:
    scope, filters, today, excel, locale = decode(params)
    timeout = setting("LMS_EXPORT_TIMEOUT_MS")
    writer.start()
    with force_locale(locale):
        queries.tune_session(timeout_ms=timeout)  # this transaction: the count and the rows
        writer.total(_count(scope, today, filters))
        rows = exporting.export_lines(scope, today, filters, timeout_ms=timeout)
        if session.get_bind().dialect.name == "sqlite":
            rows = list(rows)  # see the module's docstring
        counted = _Counted(rows)
        lines = exporting.csv_lines(
            scope,
            today,
            filters,
            excel=excel,
            batch=setting("LMS_EXPORT_CHUNK_ROWS"),
            lines=counted,
        )
        for text in lines:
            writer.chunk(text.encode("utf-8"), counted.count)
    writer.finish(counted.count)


def run(job: Job, max_attempts: int) -> None:
    """Build the CSV of the export ``job`` names; raises to have the outbox retry it."""
    export_id = job.payload.get("job_id")
    export = session.get(ExportJob, export_id)
    if export is None or export.status in (ExportStatus.DONE.value, ExportStatus.FAILED.value):
        return  # expired and deleted, or already ended
    params = dict(export.params)
    # The claim's token: renewed by the worker just before this call, so it is ours.
    token = session.scalar(select(OutboxJob.locked_by).where(OutboxJob.id == job.id))
    with session.get_bind().connect() as conn:
        writer = _Writer(conn, job, token, export_id)
        try:
            _write(writer, params)
        except LeaseLost:
            log.warning("export job %s: lease lost, left to the worker holding it", export_id)
            raise
        except Exception as exc:
            if job.attempts >= max_attempts:
                writer.fail(f"{type(exc).__name__}: {exc}")
            raise
