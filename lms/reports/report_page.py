"""What the team and organisation report pages and their CSV exports show, from the
filter form's values: the counts, the chart, one page of the matrix and, for the
organisation, its teams, departments and versions; or the export's rows.

Views hand over the scope and the (unvalidated) filter form and render what comes back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from wtforms import SelectChoice

from lms.domain.certification import STATUS_COLOURS, STATUS_LABELS, STATUSES
from lms.i18n import gettext as _
from lms.reports import departments, overview, queries
from lms.reports.forms import ReportFilterForm
from lms.reports.svg import percent, stacked_bar

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


Course = tuple[int, str, str]  # (id, slug, title), as ``queries.latest_courses``


def filters_from(form: ReportFilterForm) -> queries.Filters:
    """Form values to query filters; invalid values fall back to "no filter" (never a 500)."""

    def valid(field):
        return field.data if field.data in {c.value for c in field.choices} else ""

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


def _read_form(
    form: ReportFilterForm, scope: queries.Scope
) -> tuple[list[Course], queries.Filters]:
    """The courses, and the filters the form asks for once its choices are known."""
    courses = queries.latest_courses()
    form.course.choices = [SelectChoice("", _("All courses"))] + [
        SelectChoice(slug, title) for _id, slug, title in courses
    ]
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(d, d) for d in queries.departments(scope)
    ]
    form.validate()
    return courses, filters_from(form)


def report(scope: queries.Scope, form: ReportFilterForm, today: date, *, kind: str) -> dict:
    """Everything the report page renders: ``kind`` is ``team`` or ``org``."""
    queries.tune_session()
    courses, filters = _read_form(form, scope)
    extra: dict[str, Any] = {}
    if kind == "org":
        focus = next(
            (c for c in courses if c[1] == filters.course), courses[0] if courses else None
        )
        counts, extra = _org_parts(scope, today, filters, focus)
    else:
        counts = queries.summary(scope, today, filters)
    labels = {code: _(label) for code, label in STATUS_LABELS.items()}  # the viewer's words
    chart = stacked_bar(
        [(title, counts.get(cid, dict.fromkeys(STATUSES, 0))) for cid, _slug, title in courses],
        statuses=STATUSES,
        colours=CHART_SHADES,
        labels=labels,
        title=_("Status by course"),
        chart_id=f"chart-{kind}",
    )
    return dict(
        today=today,
        courses=courses,
        form=form,
        filters=filters,
        counts=counts,
        chart=chart,
        page=queries.matrix(scope, today, filters, total=queries.people_counted(counts, filters)),
        kind=kind,
        statuses=STATUSES,
        labels=labels,
        colours=STATUS_COLOURS,
        percent=percent,
        **extra,
    )


def _org_parts(
    scope: queries.Scope, today: date, filters: queries.Filters, focus: Course | None
) -> tuple[dict, dict[str, Any]]:
    """The organisation's counts, and its teams, versions and departments for the course
    in focus. The summary and the teams share one computation of the statuses; every
    department (so the table also picks one) comes from it when it has them, else from
    one more statement."""
    counts, teams, shared = overview.org_overview(
        scope, today, filters, focus[0] if focus else None
    )
    versions = overview.certified_per_version(today, focus[0]) if focus else []
    if shared is not None:
        by_department = departments.rows_from(shared)
    elif focus:
        by_department = departments.by_department(
            queries.Scope(manager_id=None),
            today,
            replace(filters, department=None, course=focus[1]),
        )
    else:
        by_department = []
    return counts, {
        "focus": focus,
        "teams": teams,
        "versions": versions,
        "by_department": by_department,
    }


def export_filters(
    scope: queries.Scope, form: ReportFilterForm
) -> tuple[list[Course], queries.Filters]:
    """The courses and the filters an export of the report asks for (``lms.reports.exporting``
    writes its rows). The form's choices already read the team's tree: with the reports'
    planner settings, as the page does (with JIT on, compiling the tree's query took
    ~35 ms of a 500-person team's export at 100,000 people). The rows' own transaction
    sets them again (``queries.export_rows``)."""
    queries.tune_session()
    return _read_form(form, scope)
