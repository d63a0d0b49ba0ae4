"""The page of a background export: its progress, then its download (and the same as
JSON for the page's optional script). Only the person who asked, or an admin, sees it;
anyone else gets a 404, as for any record they may not see."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, stream_with_context, url_for

from lms.accounts.access import current_person, roles_required
from lms.i18n import gettext as _
from lms.reports import export_jobs
from lms.reports.export_models import ExportJob, ExportStatus
from lms.web.templating import render

bp = Blueprint("exports", __name__, url_prefix="/reports/exports")


def _job(job_id: int) -> ExportJob:
    job = export_jobs.visible_job(current_person(), job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/<lms_id:job_id>")
@roles_required("manager", "admin")
def job(job_id: int):
    """Progress (a ``<progress>`` bar; a Refresh link works without JavaScript), then
    the download link."""
    found = _job(job_id)
    status = export_jobs.status_of(found)
    return render(
        "lms/reports/export_job.html",
        job=found,
        done=status == ExportStatus.DONE.value,
        failed=status == ExportStatus.FAILED.value,
        status_url=url_for(".status", job_id=job_id),
    )


@bp.route("/<lms_id:job_id>.json")
@roles_required("manager", "admin")
def status(job_id: int):
    """The job's progress as JSON (what the page's script polls)."""
    found = _job(job_id)
    state = export_jobs.progress(found)
    if found.status == ExportStatus.DONE.value:
        state["download_url"] = url_for(".download", job_id=job_id)
    return jsonify(state)


@bp.route("/<lms_id:job_id>/download")
@roles_required("manager", "admin")
def download(job_id: int):
    """The finished CSV, streamed from the database one chunk at a time."""
    found = _job(job_id)
    if found.status != ExportStatus.DONE.value:
        abort(404, _("This export is not ready."))
    headers = {"Content-Disposition": f'attachment; filename="{found.filename}"'}
    body = export_jobs.chunks(found.id, found.chunks)
    return Response(stream_with_context(body), mimetype="text/csv", headers=headers)
