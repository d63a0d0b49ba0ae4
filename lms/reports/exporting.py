"""The CSV text of a report export, the same for a direct download and a background job.

Both call ``csv_lines``: the header, then the rows in chunks, each row labelled with the
course title and the status word in the current language and followed by the policy
signature (joined in the rows' own statement). On PostgreSQL the database writes each
row's CSV line (``lms.reports.csv_sql``), elsewhere Python's csv writer does, the same
text. What the worker stores is therefore byte for byte what the request streams.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from lms.db import session
from lms.domain.certification import STATUS_LABELS
from lms.i18n import gettext as _
from lms.reports import queries
from lms.web.csvexport import stream_csv

#: Columns added next to the codes, for people: the course's title and the status's word
#: in the viewer's language. The codes stay for machines.
LABEL_COLUMNS = ("course_title", "status_label")
#: Rows per chunk of a streamed export: one chunk per row cost ~15 µs of Python each.
EXPORT_BATCH = 500
HEADER = (*queries.EXPORT_COLUMNS, *LABEL_COLUMNS, "policy_acknowledged_at")
BOM = "\ufeff"


def export_rows(
    scope: queries.Scope, today: date, filters: queries.Filters, *, timeout_ms: int | None = None
) -> Iterator[tuple]:
    """Every row of the export, labelled and signed, streamed (lazy)."""
    titles = {slug: title for _id, slug, title in queries.latest_courses()}
    words = {code: _(label) for code, label in STATUS_LABELS.items()}
    return queries.export_rows(
        scope, today, filters, titles=titles, words=words, timeout_ms=timeout_ms
    )


def export_lines(
    scope: queries.Scope, today: date, filters: queries.Filters, *, timeout_ms: int | None = None
) -> Iterator[str]:
    """Every row of the export as its CSV line (lazy): written by PostgreSQL there, else
    by Python's csv writer from :func:`export_rows`; the same text either way."""
    if session.get_bind().dialect.name == "postgresql":
        titles = {slug: title for _id, slug, title in queries.latest_courses()}
        words = {code: _(label) for code, label in STATUS_LABELS.items()}
        return queries.export_lines(
            scope, today, filters, titles=titles, words=words, timeout_ms=timeout_ms
        )
    written = stream_csv(HEADER, export_rows(scope, today, filters, timeout_ms=timeout_ms))
    next(written)  # the header line: csv_lines writes it
    return written


def csv_lines(
    scope: queries.Scope,
    today: date,
    filters: queries.Filters,
    *,
    excel: bool = False,
    batch: int = EXPORT_BATCH,
    lines: Iterable[str] | None = None,
) -> Iterator[str]:
    """The export's CSV as text chunks of ``batch`` lines (``excel``: starting with a
    UTF-8 byte-order mark, so Excel reads names such as "Dąbrowska" correctly; HR
    systems get it without).

    ``lines`` are ``export_lines(scope, today, filters)`` unless given (a background job
    passes them in to count them as they are written)."""
    if excel:
        yield BOM
    yield next(stream_csv(HEADER, ()))
    if lines is None:
        lines = export_lines(scope, today, filters)
    pending: list[str] = []
    for text in lines:
        pending.append(text)
        if len(pending) >= batch:
            yield "".join(pending)
            pending.clear()
    if pending:
        yield "".join(pending)


def filename(name: str, today: date) -> str:
    """The download's file name: ``team-report-2026-11-22.csv``."""
    return f"{name}-{today.isoformat()}.csv"
