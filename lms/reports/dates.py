"""The one date a report cell shows, so sorting "by due date" sorts by what people see.

A cell shows the certificate's end ("until …") for certified, renewal-due and expired
people, and otherwise the open assignment's due date ("due …"), if any. The report
template prints exactly these; the SQL below orders by the same choice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case

#: Statuses whose cell shows the certificate's ``valid_until`` rather than ``due_on``.
UNTIL_STATUSES = ("certified", "renewal_due", "expired")


def date_shown(status: str, due_on: date | None, valid_until: date | None) -> date | None:
    """The date a cell with these values shows (None: it shows none)."""
    if status in UNTIL_STATUSES and valid_until is not None:
        return valid_until
    return due_on


def date_shown_sql(table):
    """``date_shown`` as a SQL expression over a ``queries.status_table`` subquery."""
    return case(
        (
            and_(table.c.status.in_(UNTIL_STATUSES), table.c.valid_until.is_not(None)),
            table.c.valid_until,
        ),
        else_=table.c.due_on,
    )
