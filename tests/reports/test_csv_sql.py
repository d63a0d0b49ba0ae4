"""The CSV lines PostgreSQL writes for an export are the text Python's writer gives for
the same rows, on values that need defusing, quoting or neither."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Date, DateTime, literal, select, text

from lms.certification import services as certification
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.reports import csv_sql, exporting, queries
from lms.web.csvexport import safe_cell, stream_csv
from tests.certification.test_certification_flow import complete_course

AWKWARD = [
    "=cmd|' /C calc'!A0",
    "  -5",
    "\u00a0@sum",
    "\u3000+1",
    "\ttab",
    "a,b",
    'say "hi"',
    "line\nbreak",
    "cr\rhere",
    "Dąbrowska",
    "'quoted already",
    "O'Brien",
    "-",
    "plain",
]


def test_whitespace_is_what_str_lstrip_removes():
    every = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert every == csv_sql.WHITESPACE


@pytest.fixture
def awkward_org(app, synced, make_person, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the database writes the lines on PostgreSQL")
    boss = make_person("boss@example.com", role="manager")
    ids = [
        make_person(f"p{i}@example.com", manager_id=boss.id, name=name, department=name).id
        for i, name in enumerate(AWKWARD)
    ]
    app.config["LMS_TODAY"] = "2026-02-01"
    with app.app_context():
        course_id = latest_version_by_slug("mini").course_id
        certification.assign(course_id, ids[::2], reason="manual", due_on=date(2026, 3, 1), by=None)
        session.commit()
    complete_course(app, ids[1], date(2026, 1, 20))
    return ids


def test_the_database_writes_the_lines_python_would(app, awkward_org):
    with app.test_request_context():
        scope, today, filters = queries.Scope(), date(2026, 2, 1), queries.Filters()
        by_database = list(exporting.export_lines(scope, today, filters))
        by_python = list(stream_csv(exporting.HEADER, exporting.export_rows(scope, today, filters)))
    assert len(by_database) == len(AWKWARD) + 1  # everyone but the header line, x 1 course
    assert by_database == by_python[1:]
    assert any(",'=cmd|' /C calc'!A0," in line for line in by_database)  # defused
    assert any(',"line\nbreak",' in line for line in by_database)  # quoted


def test_timestamp_and_date_cells(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's to_char")
    moment, day = datetime(2027, 3, 1, 9, 30, 5, 123456), date(999, 1, 2)
    with app.app_context():
        session.execute(text(csv_sql.DATESTYLE))  # as the export's transaction sets it
        written = session.execute(
            select(
                csv_sql.timestamp_cell(literal(moment, DateTime)),
                csv_sql.date_cell(literal(day, Date)),
                csv_sql.date_cell(literal(None, Date)),
            )
        ).one()
    assert tuple(written) == (safe_cell(moment), safe_cell(day), "")
