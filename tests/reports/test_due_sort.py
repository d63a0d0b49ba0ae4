"""Sorting a report "by due date" sorts by the date each row shows (until … / due …)."""

from __future__ import annotations

import re
from datetime import date

from lms.reports.dates import date_shown
from tests.reports.conftest import client_for


def _rows(html: str) -> list[tuple[str, date | None]]:
    body = html[html.index('class="matrix') :]
    out = []
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", body, re.S):
        name = re.search(r">([^<]+)</a>", row).group(1)
        dates = [date.fromisoformat(d) for d in re.findall(r"(?:until|due) (\d{4}-\d\d-\d\d)", row)]
        out.append((name, min(dates) if dates else None))
    return out


def test_due_sort_follows_the_dates_on_the_page(app, org):
    c = client_for(app, "manager@example.com")
    for course in ("", "mini"):
        rows = _rows(c.get(f"/reports/team?sort=due&course={course}").get_data(as_text=True))
        assert len(rows) > 3
        dated = [d for _name, d in rows if d is not None]
        assert dated == sorted(dated), rows
        # Rows without a date come after every dated row.
        firsts_none = [i for i, (_n, d) in enumerate(rows) if d is None]
        assert all(i >= len(dated) for i in firsts_none), rows


def test_date_shown_picks_the_certificate_end_for_certified_states():
    due, until = date(2026, 1, 1), date(2027, 1, 1)
    assert date_shown("certified", due, until) == until
    assert date_shown("renewal_due", None, until) == until
    assert date_shown("expired", due, until) == until
    assert date_shown("overdue", due, None) == due
    assert date_shown("assigned", None, None) is None
