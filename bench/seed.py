"""The benchmark's organisation: built fresh in its own PostgreSQL database with bulk inserts.

Shape: a CEO, 20 directors with 5 managers each. Director 0's tree is always the same
500 people (1 + 5 managers + 494 employees), so the team figures compare like with like
at every organisation size; everyone else is spread over the other 95 managers. Everyone
is assigned both courses (the policy course and the fixture course) at some point in the
last 400 days; three in four certified in the last ~13 months (1% of those revoked).
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
PASSWORD = "bench-password"
TEAM = 500
DIRECTORS, MANAGERS_PER = 20, 5
#: The learner the page figures sign in as: in director 0's team, assigned, nothing done.
LEARNER = "learner@bench.example"


def ensure_database(url: str) -> None:
    """Create the benchmark database on its PostgreSQL server if it is missing."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _people(people: int, pw: str) -> tuple[list[dict], list[int]]:
    """Person rows (ids from 1) and the ids of the director-0 team's employees."""
    from lms.domain.text import search_key

    rows: list[dict] = []

    def person(local: str, role: str, manager_id: int | None, dept: str) -> int:
        name = local.replace("-", " ").title()
        email = f"{local}@bench.example"
        rows.append(
            {
                "id": len(rows) + 1,
                "email": email,
                "name": name,
                "role": role,
                "manager_id": manager_id,
                "department": dept,
                "status": "active",
                "password_hash": pw,
                "search_name": search_key(name, email),
            }
        )
        return len(rows)

    ceo = person("ceo", "admin", None, "Board")
    managers: list[list[tuple[int, int]]] = []
    for d in range(DIRECTORS):
        did = person(f"director-{d}", "manager", ceo, f"Division {d}")
        managers.append(
            [
                (person(f"manager-{d}-{m}", "manager", did, f"Division {d}"), d)
                for m in range(MANAGERS_PER)
            ]
        )
    team_staff = TEAM - 1 - MANAGERS_PER
    team = [person("learner", "employee", managers[0][0][0], "Division 0")]
    for i in range(team_staff - 1):
        mid, d = managers[0][i % MANAGERS_PER]
        team.append(person(f"team-{i}", "employee", mid, f"Division {d}"))
    others = [m for ms in managers[1:] for m in ms]
    for i in range(max(0, people - len(rows))):
        mid, d = others[i % len(others)]
        person(f"employee-{i}", "employee", mid, f"Division {d}")
    return rows, team


def _history(people: int, versions, rng: random.Random) -> tuple[list, list, list]:
    assignments, periods, attempts = [], [], []
    for pid in range(1, people + 1):
        fresh = pid == 1 + 1 + DIRECTORS * (1 + MANAGERS_PER)  # the learner: assigned, nothing done
        for vid, cid in versions:
            assigned = TODAY - timedelta(days=0 if fresh else rng.randint(0, 400))
            assignments.append(
                {
                    "person_id": pid,
                    "course_id": cid,
                    "reason": "annual",
                    "assigned_on": assigned,
                    "due_on": assigned + timedelta(days=30),
                }
            )
            if not fresh and rng.random() < 0.75:
                certified = TODAY - timedelta(days=rng.randint(0, 420))
                until = certified + timedelta(days=365)
                periods.append(
                    {
                        "person_id": pid,
                        "course_id": cid,
                        "version_id": vid,
                        "sequence": 1,
                        "kind": "initial",
                        "certified_on": certified,
                        "valid_until": until,
                        "window_opens_on": until - timedelta(days=60),
                        "code": f"B{pid:07d}{cid:02d}{rng.randrange(10**8):08d}",
                        "details": {"person_name": f"P{pid}"},
                        "revoked_on": TODAY - timedelta(days=3) if rng.random() < 0.01 else None,
                    }
                )
                attempts.append(
                    {
                        "person_id": pid,
                        "course_id": cid,
                        "version_id": vid,
                        "kind": "final",
                        "module_key": "",
                        "seed": "bench",
                        "pass_mark": 80,
                        "questions": [],
                        "score": 90.0,
                        "passed": True,
                    }
                )
    return assignments, periods, attempts


def _copy(conn, table, rows: list[dict]) -> None:
    """Load ``rows`` with PostgreSQL's COPY (the Python-side column defaults filled in);
    multi-row INSERTs elsewhere. COPY loads 100,000 people's year in seconds."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        for chunk in range(0, len(rows), 5000):
            conn.execute(table.insert(), rows[chunk : chunk + 5000])
        return
    now = datetime.utcnow()
    given = list(rows[0])
    defaults = {
        c.name: (now if c.default.is_callable else c.default.arg)
        for c in table.columns
        if c.default is not None and c.name not in given
    }
    columns = given + list(defaults)
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c]) if c in json_columns else row[c] for c in given]
                + list(defaults.values())
            )


def build(app, people: int, seed: int = 7) -> dict:
    """Drop everything, migrate, sync the courses, load the organisation and its year."""
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import Person
    from lms.certification.models import Assignment, CertificationPeriod
    from lms.courses.models import CourseVersion
    from lms.courses.sync import sync_courses
    from lms.db import Base, session
    from lms.migrate import upgrade
    from lms.quizzes.models import Attempt

    engine = app.extensions["sqlalchemy"].engine
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS lms_alembic_version"))
    upgrade()
    for folder in (ROOT / "courses", ROOT / "tests" / "fixtures" / "courses"):
        _, problems = sync_courses(folder)
        assert not problems, problems
    versions = session.execute(select(CourseVersion.id, CourseVersion.course_id)).all()
    session.remove()

    pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # cheap sign-ins
    rows, team = _people(max(people, TEAM + 1 + DIRECTORS * (1 + MANAGERS_PER)), pw)
    assignments, periods, attempts = _history(len(rows), versions, random.Random(seed))
    with engine.begin() as conn:
        for table, data in (
            (Person.__table__, rows),
            (Assignment.__table__, assignments),
            (CertificationPeriod.__table__, periods),
            (Attempt.__table__, attempts),
        ):
            _copy(conn, table, data)
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('lms_person', 'id'), :n)"),
                {"n": len(rows)},
            )
    with app.app_context():  # the reports' status facts, as the write paths would keep them
        from lms.certification import rollup, status_facts

        status_facts.rebuild()
        rollup.rebuild(TODAY)  # as the daily run (check-statuses) leaves it
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return {
        "people": len(rows),
        "assignments": len(assignments),
        "periods": len(periods),
        "director_email": "director-0@bench.example",
        "admin_email": "ceo@bench.example",
        "team_emails": [rows[i - 1]["email"] for i in team],
    }
