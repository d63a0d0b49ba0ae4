"""Manager and admin reports, CSV exports, the person page and the assignment page."""

from __future__ import annotations

from dataclasses import replace

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
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.domain.assigning import OUTCOME_LABELS, OUTCOMES
from lms.domain.certification import STATUS_COLOURS, STATUS_LABELS, STATUSES
from lms.i18n import gettext as _
from lms.i18n import locale_code, ngettext
from lms.reports import (
    departments,
    digest,
    export_jobs,
    exporting,
    overview,
    person_page,
    picker,
    queries,
    reach,
    reminding,
)
from lms.reports.access import may_view_person, org_scope, team_scope
from lms.reports.forms import AssignForm, RemindForm, ReportFilterForm
from lms.reports.svg import percent, stacked_bar
from lms.web.errors import slow_query_page
from lms.web.templating import render

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.register_error_handler(OperationalError, slow_query_page)

MAX_PAGE = 1_000_000

# The chart keeps the report's colour families (grey, red, amber, green) but gives each
# status its own shade, so neighbouring segments stay tellable apart; the legend, the
# table and the text alternative always name the status as well.
CHART_SHADES = {
    "not_assigned": "#d0d7de",
    "assigned": "#8c959f",
    "in_progress": "#57606a",
    "overdue": "#cf222e",
    "expired": "#a40e26",
    "revoked": "#6e011a",
    "certified": "#1a7f37",
    "renewal_due": "#bf8700",
}


def _filters(form: ReportFilterForm) -> queries.Filters:
    """Form values to query filters; invalid values fall back to "no filter" (never a 500)."""

    def valid(field):
        return field.data if field.data in {c[0] for c in field.choices} else ""

    return queries.Filters(
        status=valid(form.status) or None,
        course=valid(form.course) or None,
        department=valid(form.department) or None,
        within_days=int(valid(form.within)) if valid(form.within) else None,
        direct_only=bool(form.direct.data),
        search=(form.q.data or "").strip() or None,
        sort=valid(form.sort) or "name",
        # Past the last page is an empty page; beyond this, OFFSET would overflow the database.
        page=min(form.page.data, MAX_PAGE) if form.page.data and form.page.data > 0 else 1,
    )


def _form(courses, scope: queries.Scope) -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    form.course.choices = [("", _("All courses"))] + [(slug, title) for _id, slug, title in courses]
    form.department.choices = [("", _("All departments"))] + [
        (d, d) for d in queries.departments(scope)
    ]
    form.validate()
    return form


def _report(scope: queries.Scope, *, kind: str):
    queries.tune_session()
    today = clock_today()
    courses = queries.latest_courses()
    form = _form(courses, scope)
    filters = _filters(form)
    extra = {}
    if kind == "org":  # the summary and the teams share one computation of the statuses
        focus = next(
            (c for c in courses if c[1] == filters.course), courses[0] if courses else None
        )
        counts, teams, by_department = overview.org_overview(
            scope, today, filters, focus[0] if focus else None
        )
        extra = {"focus": focus, "teams": teams, "shared_departments": by_department}
    else:
        counts = queries.summary(scope, today, filters)
    chart = stacked_bar(
        [(title, counts.get(cid, dict.fromkeys(STATUSES, 0))) for cid, _slug, title in courses],
        statuses=STATUSES,
        colours=CHART_SHADES,
        labels=STATUS_LABELS,
        title=_("Status by course"),
        chart_id=f"chart-{kind}",
    )
    page = queries.matrix(scope, today, filters)
    args = {k: v for k, v in request.args.items() if k != "excel"}
    return dict(
        today=today,
        courses=courses,
        form=form,
        filters=filters,
        counts=counts,
        chart=chart,
        page=page,
        kind=kind,
        args=args,
        statuses=STATUSES,
        labels=STATUS_LABELS,
        colours=STATUS_COLOURS,
        percent=percent,
        **extra,
    )


@bp.route("/team")
@roles_required("manager", "admin")
def team():
    return render(
        "lms/reports/report.html", title=_("My team"), **_report(team_scope(), kind="team")
    )


@bp.route("/org")
@roles_required("admin")
def org():
    department = request.args.get("department") or None
    context = _report(org_scope(department), kind="org")
    focus = context["focus"]
    versions = overview.certified_per_version(context["today"], focus[0]) if focus else []
    # Every department (so the table also picks one), for the course in focus: from the
    # report's own computation of the statuses when it has them, else one more statement.
    shared = context.pop("shared_departments")
    if shared is not None:
        by_department = departments.rows_from(shared)
    else:
        by_department = (
            departments.by_department(
                org_scope(None),
                context["today"],
                replace(context["filters"], department=None, course=focus[1]),
            )
            if focus
            else []
        )
    return render(
        "lms/reports/report.html",
        title=_("Organisation"),
        versions=versions,
        by_department=by_department,
        department=department,
        **context,
    )


@bp.route("/digest")
@roles_required("manager", "admin")
def digest_preview():
    """What this week's digest e-mail tells the viewer (the same templates as the mail)."""
    today = clock_today()
    return render(
        "lms/reports/digest.html", today=today, digests=digest.preview(current_person(), today)
    )


def _export(scope: queries.Scope, name: str) -> Response:
    """The report's rows as CSV; ``?excel=1`` starts it with a UTF-8 byte-order mark.
    An export above ``LMS_EXPORT_BACKGROUND_ROWS`` becomes a background job (the same
    job again on a second click) and the browser goes to its page."""
    today = clock_today()
    courses = queries.latest_courses()
    filters = _filters(_form(courses, scope))
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
    subject = session.get(Person, person_id)
    # Someone outside your tree is "not found", exactly like an id that does not exist.
    if (
        subject is None
        or subject.status == "erased"
        or not may_view_person(current_person(), person_id)
    ):
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
    today = clock_today()
    found = person_page.course_summary(person_id, today, form.course.data)
    if found is None or found[1].reminder is None or subject.status != "active":
        flash(_("There is nothing to remind this person about on that course."), "warning")
        return back
    version, summary = found
    sent = reminding.send_reminder(
        reminding.ReminderRequest(
            subject, version, summary.reminder, summary.due_on, summary.valid_until
        ),
        today,
        by=current_person(),
    )
    session.commit()
    if sent:
        flash(
            _(
                "A reminder about %(course)s is on its way to %(name)s.",
                course=version.title,
                name=subject.name,
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(name)s already got a reminder about %(course)s today.",
                course=version.title,
                name=subject.name,
            ),
            "info",
        )
    return back


# --- assignments -------------------------------------------------------------------


def _assign_choices(form: AssignForm, viewer: Person) -> None:
    courses = queries.latest_courses()
    form.course.choices = [(slug, title) for _id, slug, title in courses]
    people = reach.assignable_people(viewer)
    departments = sorted({p.department for p in people if p.department})
    form.department.choices = [("", _("Choose a department"))] + [(d, d) for d in departments]
    managers = [p for p in people if p.role in ("manager", "admin")]
    if viewer.role != "admin" or viewer not in managers:
        managers = [viewer] + [m for m in managers if m.id != viewer.id]
    form.manager.choices = [("", _("Choose a manager"))] + [(str(m.id), m.name) for m in managers]


def _target(form: AssignForm) -> reach.Target:
    """The form's target as values (its select fields only hold ids from their choices)."""

    def as_id(value: str | None) -> int | None:
        return int(value) if value and value.isdigit() else None

    return reach.Target(
        form.target.data,
        person_ids=tuple(picker.as_ids(form.person.data)),
        department=form.department.data or None,
        manager_id=as_id(form.manager.data),
    )


def _plan(form: AssignForm, viewer: Person) -> assignments.Plan | None:
    """What Confirm would do now, or None with a field error when the target is incomplete."""
    try:
        ids = reach.people_reached(viewer, _target(form))
    except reach.TargetProblem as problem:
        getattr(form, problem.field).errors.append(_(problem.message))
        return None
    except reach.OutsideTree:
        abort(404)
    version = latest_version_by_slug(form.course.data)  # a valid choice: the course exists
    return assignments.plan(
        version.course_id,
        ids,
        reason=form.reason.data,
        due_on=form.due_on.data,
        reassign=bool(form.reassign.data),
    )


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
    _assign_choices(form, viewer)
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
            kept = len(done.outcomes) - done.assigned
            flash(
                ngettext(
                    "Assigned to %(num)d person.", "Assigned to %(num)d people.", done.assigned
                )
                + (
                    " "
                    + ngettext(
                        "%(num)d person already assigned or certified was left as they were.",
                        "%(num)d people already assigned or certified were left as they were.",
                        kept,
                    )
                    if kept
                    else ""
                ),
                "success",
            )
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
    )
