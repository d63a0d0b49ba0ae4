"""Exports too big for one request: a job of the outbox, run by its worker.

A request for an export of more than ``LMS_EXPORT_BACKGROUND_ROWS`` rows (people in
scope x courses, counted before any row is read) calls ``request_export``: one
``lms_export_job`` row and its outbox job are written together. The unique ``open_key``
(person, report, filters, day, language) makes a second click while the first export is
pending or running return the same job; the insert is ``ON CONFLICT DO NOTHING``, so
two concurrent clicks cannot both create one. The worker (``flask lms send-mail``, the
``export`` kind) writes the CSV in chunks with its progress (``lms.reports.export_run``),
and an ``export-expire`` job queued at the same time deletes the result after
``LMS_EXPORT_KEEP_HOURS``.

Only the person who asked, or an admin, may see a job (``visible_job``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from lms.accounts.models import Person
from lms.db import session
from lms.outbox.models import OutboxJob, Status
from lms.outbox.queue import enqueue, real_now
from lms.outbox.registry import Job, handler
from lms.reports import queries
from lms.reports.export_models import ExportChunk, ExportJob, ExportStatus

KIND = "export"
EXPIRE_KIND = "export-expire"
MAX_ATTEMPTS = 3


def setting(name: str) -> int:
    """An ``LMS_EXPORT_*`` number from the app's config."""
    return int(current_app.config[name])


@dataclass(frozen=True)
class ExportRequest:
    """What one export is of, as the request decided it."""

    report: str  # "team" or "org"
    scope: queries.Scope
    filters: queries.Filters
    today: date
    excel: bool
    locale: str
    filename: str

    def params(self) -> dict[str, Any]:
        """The request as JSON values (stored with the job, read back by the worker)."""
        filters = asdict(self.filters)
        for paging in ("page", "per_page"):  # an export has every page
            del filters[paging]
        return {
            "scope": {"manager_id": self.scope.manager_id, "department": self.scope.department},
            "filters": filters,
            "today": self.today.isoformat(),
            "excel": self.excel,
            "locale": self.locale,
        }


def decode(params: dict[str, Any]) -> tuple[queries.Scope, queries.Filters, date, bool, str]:
    """``ExportRequest.params`` back into scope, filters, day, Excel flag and language."""
    return (
        queries.Scope(**params["scope"]),
        queries.Filters(**params["filters"]),
        date.fromisoformat(params["today"]),
        bool(params["excel"]),
        params["locale"],
    )


def estimated_rows(scope: queries.Scope, filters: queries.Filters, courses: list) -> int:
    """The rows an export reads at most: the people it covers times its courses (one
    cheap count; the status filters can only make the file shorter)."""
    people = queries.people_in_scope(scope, filters).subquery()
    count = session.scalar(select(func.count()).select_from(people)) or 0
    return count * (1 if filters.course else len(courses))


def runs_in_background(scope: queries.Scope, filters: queries.Filters, courses: list) -> bool:
    """Whether this export is too big to stream in the request."""
    return estimated_rows(scope, filters, courses) > setting("LMS_EXPORT_BACKGROUND_ROWS")


def _insert(values: dict[str, Any]) -> int | None:
    dialect = session.get_bind().dialect.name
    make = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = (
        make(ExportJob.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["open_key"])
        .returning(ExportJob.id)
    )
    return session.execute(stmt).scalar()


def request_export(person_id: int, wanted: ExportRequest) -> int:
    """The id of the job for this export: a new one (queued, committed), or the one of
    the same person, report and filters that is still pending or running."""
    params = wanted.params()
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    key = f"{person_id}:{wanted.report}:{digest}"
    for _try in range(3):  # the job found may end between the insert and the select
        now = real_now()  # the worker's clock, not a pinned LMS_TODAY
        expires = now + timedelta(hours=setting("LMS_EXPORT_KEEP_HOURS"))
        job_id = _insert(
            {
                "person_id": person_id,
                "report": wanted.report,
                "params": params,
                "open_key": key,
                "filename": wanted.filename,
                "status": ExportStatus.PENDING.value,
                "rows_done": 0,
                "bytes": 0,
                "chunks": 0,
                "runs": 0,
                "created_at": now,
                "expires_at": expires,
            }
        )
        if job_id is not None:
            enqueue(KIND, f"export:{job_id}", {"job_id": job_id}, person_id=person_id)
            enqueue(EXPIRE_KIND, f"export-expire:{job_id}", {"job_id": job_id}, not_before=expires)
            session.commit()
            return job_id
        job_id = session.scalar(select(ExportJob.id).where(ExportJob.open_key == key))
        session.commit()
        if job_id is not None:
            return job_id
    raise RuntimeError("could not create or find the export job")


def visible_job(viewer: Person, job_id: int) -> ExportJob | None:
    """The job, if ``viewer`` asked for it or is an admin; else None."""
    job = session.get(ExportJob, job_id)
    if job is None or (job.person_id != viewer.id and viewer.role != "admin"):
        return None
    return job


def _outbox_status(export_id: int) -> str | None:
    return session.scalar(
        select(OutboxJob.status).where(
            OutboxJob.kind == KIND, OutboxJob.key == f"export:{export_id}"
        )
    )


def status_of(job: ExportJob) -> str:
    """The job's status, ``failed`` also when the worker gave up on it without being able
    to say so (killed while running it, attempt after attempt)."""
    ended = job.status in (ExportStatus.DONE.value, ExportStatus.FAILED.value)
    if not ended and _outbox_status(job.id) == Status.DEAD.value:
        return ExportStatus.FAILED.value
    return job.status


def progress(job: ExportJob) -> dict[str, Any]:
    """The job's state as JSON values (the status endpoint, and the page)."""
    return {
        "id": job.id,
        "status": status_of(job),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "bytes": job.bytes,
        "expires_at": job.expires_at.replace(microsecond=0).isoformat() + "Z",
    }


def chunks(job_id: int, count: int) -> Iterator[bytes]:
    """The stored CSV, one chunk (one statement) at a time: constant memory."""
    for seq in range(count):
        data = session.scalar(
            select(ExportChunk.data).where(ExportChunk.job_id == job_id, ExportChunk.seq == seq)
        )
        if data is None:  # expired while being downloaded
            return
        yield bytes(data)


@handler(KIND, max_attempts=MAX_ATTEMPTS, retry_seconds=30)
def run_export_job(job: Job) -> None:
    """The outbox handler of ``export``: build the CSV (``lms.reports.export_run``)."""
    from lms.reports.export_run import run

    run(job, MAX_ATTEMPTS)


@handler(EXPIRE_KIND, max_attempts=20, retry_seconds=3600)
def expire_export_job(job: Job) -> None:
    """The outbox handler of ``export-expire``: delete an ended job and its CSV (one
    a worker may still be running is retried later)."""
    export_id = job.payload.get("job_id")
    status = session.scalar(select(ExportJob.status).where(ExportJob.id == export_id))
    if status is None:
        return
    if _outbox_status(export_id) == Status.PENDING.value:
        raise RuntimeError(f"export {export_id} has not ended yet")
    session.execute(delete(ExportChunk).where(ExportChunk.job_id == export_id))
    session.execute(delete(ExportJob).where(ExportJob.id == export_id))
