"""Manager and admin reports, CSV exports, the person page and the assignment page.

Each view turns the request into values, asks one of ``report_page``, ``person_page``,
``reminding`` or ``assign_page`` (with ``assignments``) for the work, and renders.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy.exc import OperationalError

from lms.accounts.access import current_person, roles_required
from lms.accounts.models import Person
from lms.certification import assignments
from lms.clock import today as clock_today
from lms.domain.assigning import OUTCOME_LABELS, OUTCOMES, latest_due_date
from lms.domain.certification import STATUS_LABELS
from lms.i18n import gettext as _
from lms.i18n import locale_code, ngettext
from lms.reports import (
    assign_page,
    digest,
    export_jobs,
    exporting,
    person_page,
    picker,
    reach,
    reminding,
    report_page,
)
from lms.reports.access import org_scope, team_scope
from lms.reports.forms import AssignForm, RemindForm, ReportFilterForm
from lms.web.errors import slow_query_page
from lms.web.forms import form_status
from lms.web.templating import render

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.register_error_handler(OperationalError, slow_query_page)


def _report(scope, kind: str) -> dict:
    context = report_page.report(scope, ReportFilterForm(request.args), clock_today(), kind=kind)
    context["args"] = {k: v for k, v in request.args.items() if k != "excel"}
    return context


@bp.route("/team")
@roles_required("manager", "admin")
def team():
    return render("lms/reports/report.html", title=_("My team"), **_report(team_scope(), "team"))


@bp.route("/org")
@roles_required("admin")
def org():
    department = request.args.get("department") or None
    return render(
        "lms/reports/report.html",
        title=_("Organisation"),
        department=department,
        **_report(org_scope(department), "org"),
    )


@bp.route("/digest")
@roles_required("manager", "admin")
def digest_preview():
    """What this week's digest e-mail tells the viewer (the same templates as the mail)."""
    today = clock_today()
    return render(
        "lms/reports/digest.html", today=today, digests=digest.preview(current_person(), today)
    )


def _export(scope, name: str) -> Response:
    """The report's rows as CSV; ``?excel=1`` starts it with a UTF-8 byte-order mark.
    An export above ``LMS_EXPORT_BACKGROUND_ROWS`` becomes a background job (the same
    job again on a second click) and the browser goes to its page."""
    today = clock_today()
    courses, filters = report_page.export_filters(scope, ReportFilterForm(request.args))
    excel = request.args.get("excel") == "1"
    if export_jobs.runs_in_background(scope, filters, courses):
        wanted = export_jobs.ExportRequest(
            report="team" if scope.manager_id is not None else "org",
            scope=scope,
            filters=filters,
            today=today,
            excel=excel,
            locale=locale_code(),
            filename=exporting.filename(name, today),
        )
        job_id = export_jobs.request_export(current_person().id, wanted)
        return redirect(url_for("lms.exports.job", job_id=job_id), 303)
    lines = exporting.csv_lines(scope, today, filters, excel=excel)
    headers = {"Content-Disposition": f'attachment; filename="{exporting.filename(name, today)}"'}
    return Response(stream_with_context(lines), mimetype="text/csv", headers=headers)


@bp.route("/team.csv")
@roles_required("manager", "admin")
def team_csv():
    return _export(team_scope(), "team-report")


@bp.route("/org.csv")
@roles_required("admin")
def org_csv():
    return _export(org_scope(request.args.get("department")), "organisation-report")


def _visible_person(person_id: int) -> Person:
    """The person, if the viewer may see them; else 404 (never "forbidden")."""
    subject = person_page.visible_person(current_person(), person_id)
    if subject is None:
        abort(404)
    return subject


@bp.route("/people/<lms_id:person_id>")
@roles_required("manager", "admin")
def person(person_id: int):
    subject = _visible_person(person_id)
    data = person_page.load(person_id, clock_today())
    return render(
        "lms/reports/person.html",
        subject=subject,
        page=data,
        viewer=current_person(),
        remind_form=RemindForm(),
        labels=STATUS_LABELS,
    )


@bp.route("/people/<lms_id:person_id>/remind", methods=["POST"])
@roles_required("manager", "admin")
def remind(person_id: int):
    """Send the person today's reminder about one course (at most one a day)."""
    subject = _visible_person(person_id)
    form = RemindForm()
    back = redirect(url_for(".person", person_id=person_id))
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return back
    done = reminding.remind_about(subject, form.course.data, clock_today(), by=current_person())
    if done is None:
        flash(_("There is nothing to remind this person about on that course."), "warning")
    elif done.sent:
        flash(
            _(
                "A reminder about %(course)s is on its way to %(name)s.",
                course=done.version.title,
                name=subject.name,
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(name)s already got a reminder about %(course)s today.",
                course=done.version.title,
                name=subject.name,
            ),
            "info",
        )
    return back


# --- assignments -------------------------------------------------------------------


def _assigned_message(done: assignments.Result) -> str:
    kept = len(done.outcomes) - done.assigned
    message = ngettext("Assigned to %(num)d person.", "Assigned to %(num)d people.", done.assigned)
    if kept:
        message += " " + ngettext(
            "%(num)d person already assigned or certified was left as they were.",
            "%(num)d people already assigned or certified were left as they were.",
            kept,
        )
    return message


def _plan(form: AssignForm, viewer: Person) -> assignments.Plan | None:
    try:
        return assign_page.plan_for(form, viewer)
    except reach.OutsideTree:
        abort(404)


@bp.route("/assign", methods=["GET", "POST"])
@roles_required("manager", "admin")
def assign():
    """Check what an assignment does (the breakdown), then Confirm exactly that."""
    viewer = current_person()
    # A GET may preselect (the person page's "Assign" links here with person and course).
    form = (
        AssignForm(formdata=request.args)
        if request.method == "GET" and request.args
        else AssignForm()
    )
    assign_page.set_choices(form, viewer)
    plan = changed = None
    searching = request.method == "POST" and "search" in request.form
    if searching:
        form.confirmed.data = ""  # the picks may change: Confirm needs a fresh check
    elif form.validate_on_submit() and (plan := _plan(form, viewer)) is not None:
        if not plan.outcomes:
            flash(_("Nobody matches: nothing to assign."), "warning")
            plan = None
        elif form.confirmed.data == plan.fingerprint and not request.form.get("recheck"):
            done = assignments.carry_out(plan, by=viewer)
            flash(_assigned_message(done), "success")
            return redirect(url_for(".team"))
        else:
            # Confirm pressed, but a fresh check no longer matches what the page showed.
            changed = bool(form.confirmed.data) and not request.form.get("recheck")
            form.confirmed.data = plan.fingerprint
    people = assignments.people_by_outcome(plan) if plan else {}
    picks = picker.pick(viewer, form.q.data or "", picker.as_ids(form.person.data))
    return render(
        "lms/reports/assign.html",
        form=form,
        plan=plan,
        changed=changed,
        picks=picks,
        people=people,
        outcomes=OUTCOMES,
        labels=OUTCOME_LABELS,
        latest_due=latest_due_date(clock_today()),
    ), form_status(form)
