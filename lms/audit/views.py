"""The audit trail pages (admins only): the log, filtered and paginated, and its CSV export.

The log is append-only: these routes only read, and no route edits or deletes events.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context, url_for
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.accounts.access import roles_required
from lms.audit import services
from lms.audit.readable import ACTION_WORDS, describe
from lms.clock import today
from lms.i18n import lazy_gettext as _l
from lms.web.csvexport import stream_csv
from lms.web.forms import IsoDateField, LMSForm
from lms.web.templating import render

bp = Blueprint("audit", __name__)


class AuditFilterForm(LMSForm):
    """The filters, read from the query string (GET changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Actor e-mail contains"), validators=[Optional(), Length(max=254)])
    since = IsoDateField(_l("From (UTC date)"), validators=[Optional()])
    until = IsoDateField(_l("To (UTC date, included)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(request.args, *args, **kwargs)
        self.action.choices = [SelectChoice("", _l("Any action"))] + [
            SelectChoice(a, ACTION_WORDS.get(a, a)) for a in services.ACTIONS
        ]

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def to_filter(self) -> services.AuditFilter:
        """The filter from the valid fields (an invalid field is shown with its error and
        ignored, so the page still lists something)."""
        self.validate()

        def ok(f):
            return f.data if not f.errors else None

        return services.AuditFilter(
            action=ok(self.action) or None,
            actor=ok(self.actor) or None,
            since=ok(self.since),
            until=ok(self.until),
        )


def _filter_args(f: services.AuditFilter) -> dict[str, str]:
    args = {
        "action": f.action,
        "actor": f.actor,
        "since": f.since.isoformat() if f.since else None,
        "until": f.until.isoformat() if f.until else None,
    }
    return {k: v for k, v in args.items() if v}


@bp.route("/admin/audit")
@roles_required("admin")
def index():
    form = AuditFilterForm()
    f = form.to_filter()
    page = services.events_page(f, request.args.get("page", 1, type=int) or 1)
    args = _filter_args(f)
    return render(
        "lms/audit/index.html",
        form=form,
        page=page,
        args=args,
        views=describe(page.events),
        utc_iso=services.utc_iso,
        csv_url=url_for(".export", **args),
    )


@bp.route("/admin/audit.csv")
@roles_required("admin")
def export():
    """The filtered log as CSV, streamed row by row (constant memory), cells defused
    against spreadsheet formula injection by ``stream_csv``."""
    f = AuditFilterForm().to_filter()
    rows = services.csv_rows(f)
    filename = f"audit-{today().isoformat()}.csv"
    return Response(
        stream_with_context(stream_csv(services.CSV_HEADER, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
