"""The organisation report's counts on PostgreSQL (one GROUPING SETS pass over the
statuses) are the counts of the portable path (a materialised status table read by one
GROUP BY per figure), on every day of a cycle and for every course."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.certification import rollup
from lms.db import session
from lms.reports import overview, queries
from tests.reports.conftest import TODAY


@pytest.mark.parametrize("days", [-400, -30, 0, 45, 200, 330, 400, 800])
def test_grouped_tallies_are_the_materialised_ones(app, org, days):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("GROUPING SETS: the PostgreSQL path")
    today = TODAY + timedelta(days=days)
    for counted in (None, today):  # from the status table, then from the day's rollup
        with app.test_request_context():
            if counted:
                rollup.rebuild(counted)
                session.commit()
            for course_id, slug, _title in queries.latest_courses():
                for filters in (queries.Filters(), queries.Filters(course=slug)):
                    statuses = overview._statuses(queries.Scope(), today, filters)
                    portable = overview._split(
                        overview._tallies(statuses, course_id, True, departments=True)
                    )
                    grouped = overview._organisation_tallies(
                        queries.Scope(), today, filters, course_id
                    )
                    assert grouped == portable, (slug, filters, today, counted)
                    assert sum(sum(c.values()) for c in grouped[0].values()) > 0
