"""Migration 0007 closes assignments that a certificate fulfilled and the duplicates that
concurrent assignments made before the one-open-assignment index existed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import create_app
from tests.conftest import app_config

ROWS = [  # id, person, assigned_on, due_on: person 1 raced (three identical rows), person 2 was certified
    (1, 1, "2026-01-10", "2026-02-10"),
    (2, 1, "2026-01-10", "2026-02-10"),
    (3, 1, "2026-01-10", "2026-02-10"),
    (4, 2, "2025-01-05", "2025-02-05"),
    (5, 2, "2026-01-05", "2026-02-05"),
]


@pytest.fixture
def before_0007(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        from lms.migrate import upgrade

        upgrade("0004")
        engine = app.extensions["sqlalchemy"].engine
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO lms_person (id, email, name, role, status, created_at, updated_at) "
                    "VALUES (1, 'a@x.test', 'A', 'employee', 'active', '2026-01-01', '2026-01-01'), "
                    "(2, 'b@x.test', 'B', 'employee', 'active', '2026-01-01', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO lms_course (id, slug, created_at) VALUES (1, 'mini', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO lms_course_version (id, course_id, number, content_hash, title, "
                    "summary, policy_title, policy_preamble_html, settings, created_at) "
                    "VALUES (1, 1, 1, 'h', 'Mini', '', 'Policy', '', '{}', '2026-01-01')"
                )
            )
            for row_id, person, assigned, due in ROWS:
                conn.execute(
                    text(
                        "INSERT INTO lms_assignment (id, person_id, course_id, reason, assigned_on, "
                        "due_on, created_at) VALUES (:i, :p, 1, 'annual', :a, :d, '2026-01-01')"
                    ),
                    {"i": row_id, "p": person, "a": assigned, "d": due},
                )
            conn.execute(
                text(
                    "INSERT INTO lms_certification_period (id, person_id, course_id, version_id, sequence, kind, "
                    "certified_on, valid_until, window_opens_on, code, details, created_at) VALUES "
                    "(7, 2, 1, 1, 1, 'initial', '2025-01-20', '2026-01-20', '2025-11-21', 'C1', '{}', '2025-01-20')"
                )
            )
        yield app, engine


def test_upgrade_closes_fulfilled_and_duplicate_assignments(before_0007):
    app, engine = before_0007
    with app.app_context():
        from lms.migrate import upgrade

        upgrade("0007")
    with engine.connect() as conn:
        rows = {
            r.id: (r.closed_on, r.period_id)
            for r in conn.execute(
                text("SELECT id, closed_on, period_id FROM lms_assignment ORDER BY id")
            )
        }
    assert rows[3] == (None, None)  # the newest of the raced rows stays open
    assert rows[1][0] is not None and rows[2][0] is not None and rows[1][1] is None  # superseded
    assert rows[4] == ("2025-01-20", 7)  # fulfilled by the period certified after it
    assert rows[5] == (None, None)  # assigned after that period: still open
    with engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(
            text(
                "INSERT INTO lms_assignment (person_id, course_id, reason, assigned_on, created_at) "
                "VALUES (1, 1, 'annual', :d, '2026-01-01')"
            ),
            {"d": date(2026, 3, 1)},
        )


def test_downgrade_and_upgrade_again(before_0007):
    app, engine = before_0007
    with app.app_context():
        from lms.migrate import downgrade, upgrade

        upgrade("0007")
        downgrade("0004")
        upgrade("0007")
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM lms_assignment WHERE closed_on IS NULL")
            ).scalar()
            == 2
        )
