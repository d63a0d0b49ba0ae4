"""What keeps reports fast at scale (issue 13): no JIT on export connections, team reports
that name their people, batched CSV chunks, the department list from the index."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from lms.accounts.models import Person
from lms.db import session
from lms.reports import queries
from tests.helpers import count_queries
from tests.reports.conftest import client_for, csv_rows


def _export_settings(
    app, client, url: str, marker: str = "AS manager", setting: str = "statement_timeout"
) -> list[tuple[str, str]]:
    """(jit, ``setting``) in force when each query whose SQL holds ``marker`` starts (by
    default the export's SELECT: the manager's e-mail is joined), read from its own
    connection while the response streams."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    seen: list[tuple[str, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if marker in statement:
            raw = cursor.connection
            seen.append(
                (
                    raw.execute("SHOW jit").fetchone()[0],
                    raw.execute(f"SHOW {setting}").fetchone()[0],
                )
            )

    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.response)  # stream it all, as a server would
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen


def test_exports_run_without_jit_while_streaming(app, org):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("JIT is a PostgreSQL setting")
    for email, url in (
        ("lead@example.com", "/reports/team.csv"),
        ("admin@example.com", "/reports/org.csv"),
    ):
        seen = _export_settings(app, client_for(app, email), url)
        assert seen and all(jit == "off" for jit, _timeout in seen), (url, seen)
        assert all(timeout != "0" for _jit, timeout in seen), (url, seen)


def test_export_cursors_are_planned_for_every_row(app, org):
    """An export reads its cursor to the end: planned for all rows, not the first tenth
    (which made PostgreSQL walk every person's name in the name index for a team)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("cursor_tuple_fraction is a PostgreSQL setting")
    for email, url in (
        ("lead@example.com", "/reports/team.csv"),
        ("admin@example.com", "/reports/org.csv"),
    ):
        seen = _export_settings(app, client_for(app, email), url, setting="cursor_tuple_fraction")
        assert seen and all(fraction == "1" for _jit, fraction in seen), (url, seen)


def test_report_queries_are_planned_for_their_own_team_every_time(app, org):
    """Requests keep their prepared statements (``lms.web.transactions``); a report's
    are planned for the team and courses of each call, never with a generic plan."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("plan_cache_mode is a PostgreSQL setting")
    for email, url in (
        ("lead@example.com", "/reports/team.csv"),
        ("admin@example.com", "/reports/org.csv"),
    ):
        client = client_for(app, email)
        for _ in range(6):  # past psycopg's prepare threshold
            seen = _export_settings(app, client, url, setting="plan_cache_mode")
        assert seen and all(mode == "force_custom_plan" for _jit, mode in seen), (url, seen)


def test_a_team_export_walks_the_tree_without_jit(app, org):
    """The export's form reads the team's tree (its departments) before the rows: with
    the reports' settings too, so the tree's high estimate is not JIT-compiled."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("JIT is a PostgreSQL setting")
    seen = _export_settings(
        app, client_for(app, "lead@example.com"), "/reports/team.csv", "lms_tree"
    )
    assert seen and all(jit == "off" for jit, _timeout in seen), seen


def test_team_queries_name_the_team_instead_of_recursing(app, org):
    """The tree is walked once per request; the status queries carry its ids."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    c = client_for(app, "lead@example.com")
    with count_queries(engine) as statements:
        assert c.get("/reports/team").status_code == 200
    recursive = [s for s in statements if "lms_tree" in s]
    assert len(recursive) == 1, recursive


def test_export_chunks_hold_many_rows(app, org):
    c = client_for(app, "admin@example.com")
    response = c.get("/reports/org.csv")
    chunks = [bytes(chunk) for chunk in response.response if chunk]
    rows = csv_rows(c.get("/reports/org.csv"))
    assert len(rows) > 3
    assert len(chunks) < len(rows)  # the header, then batches (this organisation: one)


def test_department_list_from_the_index_matches_distinct(app_ctx, org):
    expected = sorted({d for d in session.scalars(select(Person.department)) if d is not None})
    assert queries.departments() == expected
    assert queries.departments(queries.Scope()) == expected


def _closure_teams(today, course_id):
    """The reference: every status counted for every manager above the person, in SQL."""
    from sqlalchemy import func

    from lms.courses.models import Course
    from lms.domain.certification import STATUSES

    edges = (
        select(Person.manager_id.label("ancestor"), Person.id.label("person_id"))
        .where(Person.manager_id.is_not(None))
        .cte("closure", recursive=True)
    )
    edges = edges.union_all(
        select(edges.c.ancestor, Person.id).where(Person.manager_id == edges.c.person_id)
    )
    slug = session.scalar(select(Course.slug).where(Course.id == course_id))
    statuses = select(
        queries.status_table(queries.Scope(), today, queries.Filters(course=slug))
    ).subquery()
    counts: dict = {}
    for ancestor, status, n in session.execute(
        select(edges.c.ancestor, statuses.c.status, func.count())
        .join(statuses, statuses.c.person_id == edges.c.person_id)
        .group_by(edges.c.ancestor, statuses.c.status)
    ):
        counts.setdefault(ancestor, dict.fromkeys(STATUSES, 0))[status] = n
    return counts


def test_org_overview_counts_once_and_agrees_with_summary_and_the_closure(app, org):
    from lms.reports import departments, overview
    from tests.reports.conftest import TODAY

    with app.test_request_context():
        course_id = queries.latest_courses()[0][0]
        counts, teams, shared = overview.org_overview(
            queries.Scope(), TODAY, queries.Filters(), course_id
        )
        assert counts == queries.summary(queries.Scope(), TODAY, queries.Filters())
        slug = queries.latest_courses()[0][1]
        assert departments.rows_from(shared) == departments.by_department(
            queries.Scope(), TODAY, queries.Filters(course=slug)
        )  # the same table, no second computation
        assert {m.id: c for m, c in teams} == _closure_teams(TODAY, course_id)
        assert [m.name for m, _ in teams] == sorted(m.name for m, _ in teams)
        assert overview.teams_side_by_side(TODAY, course_id) == teams
        filtered = queries.Filters(status="overdue")
        counts, again, shared = overview.org_overview(queries.Scope(), TODAY, filtered, course_id)
        assert shared is None  # a filtered summary: the page asks for the departments itself
        assert counts == queries.summary(queries.Scope(), TODAY, filtered)
        assert again == teams  # the teams never take the summary's filters


def test_org_report_runs_the_statuses_once(app, org):
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    c = client_for(app, "admin@example.com")
    with count_queries(engine) as statements:
        assert c.get("/reports/org").status_code == 200
    # The summary+teams statement reads every status once (the matrix page's cells name
    # their people; the probe of the facts has a LIMIT): no second computation for the
    # teams, and none from the source tables.
    full = [
        s
        for s in statements
        if "lms_status_facts" in s
        and "LIMIT" not in s
        and not re.search(r"lms_person\.id IN \((\?|%\()", s)  # a page of named people
    ]
    assert len(full) == 1, full
    from_sources = [
        s
        for s in statements
        if "lms_certification_period" in s
        and "LIMIT" not in s
        and "lms_course_version.number" not in s  # the per-version counts
    ]
    assert from_sources == []
