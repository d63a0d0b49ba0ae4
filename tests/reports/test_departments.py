"""The org report's per-department table and filter; where admins land."""

from __future__ import annotations

import re

from lms.reports import departments, queries
from tests.helpers import count_queries
from tests.reports.conftest import TODAY, client_for, csv_rows


def _department_rows(html: str) -> dict[str, list[int]]:
    table = html[html.index('class="departments') :].split("</table>")[0]
    out = {}
    for name, cells in re.findall(r'<tr data-department="([^"]*)".*?>(.*?)</tr>', table, re.S):
        out[name] = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", cells)]
    return out


def test_counts_per_department_agree_with_the_export(app, org):
    c = client_for(app, "admin@example.com")
    rows = _department_rows(c.get("/reports/org?course=mini").get_data(as_text=True))
    export = csv_rows(c.get("/reports/org.csv?course=mini"))
    assert "Customer Service" in rows and "Finance" in rows
    for name, counts in rows.items():
        mine = [r for r in export if r["department"] == name]
        assert counts[-1] == len(mine), name  # the total column
        assert sum(counts[:-1]) == counts[-1]


def test_one_statement_for_the_table(app, org):
    with app.app_context(), app.test_request_context():
        engine = app.extensions["sqlalchemy"].engine
        with count_queries(engine) as statements:
            rows = departments.by_department(queries.Scope(), TODAY, queries.Filters(course="mini"))
            again = departments.by_department(queries.Scope(), TODAY, queries.Filters())
        # The probe of the facts (once per request and day), then one statement a table.
        assert len(statements) == 3 and rows and again
        assert "LIMIT" in statements[0] and "lms_status_facts" in statements[0]


def test_department_filter_is_offered_and_applied(app, org):
    c = client_for(app, "admin@example.com")
    html = c.get("/reports/org?department=Finance").get_data(as_text=True)
    assert re.search(r'<select[^>]*name="department"', html)
    assert (
        '<option selected value="Finance">' in html or '<option value="Finance" selected>' in html
    )
    people = html[html.index('id="people-heading"') :]
    assert "finance@example.com" in people and "alice@example.com" not in people
    assert "Show every department" in html


def test_admin_without_training_lands_on_the_org_report(app, org):
    c = client_for(app, "admin@example.com")
    response = c.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/org")


def test_admin_with_training_keeps_the_home_and_the_link(app, org):
    from datetime import date

    from lms.certification import services as certification
    from lms.courses.services import latest_version_by_slug

    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.assign(
            version.course_id,
            [org["admin@example.com"]],
            reason="annual",
            due_on=date(2027, 1, 10),
            by=None,
            today=TODAY,
        )
    c = client_for(app, "admin@example.com")
    response = c.get("/")
    assert response.status_code == 200 and "/reports/org" in response.get_data(as_text=True)


def test_employees_and_managers_keep_their_home(app, org):
    for email in ("manager@example.com", "employee@example.com"):
        assert client_for(app, email).get("/").status_code == 200
