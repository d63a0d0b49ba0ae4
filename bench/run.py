"""Report benchmark: 10,000 people, two courses, a year of history, on PostgreSQL.

    make bench                      # LMS_BENCH_DATABASE_URL or a local lms_bench database
    python -m bench.run --people 2000 --runs 5

Prints the median response time of the org report, a 500-person team report and the
CSV export, each also as a ratio to /healthz measured in the same run, plus the export's
peak Python memory at two sizes (flat memory means streaming works).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench"
TODAY = date(2026, 11, 22)


def ensure_database(url: str) -> None:
    """Create the benchmark database on a PostgreSQL server if it is missing."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def build(app, people: int, seed: int = 7) -> dict:
    """Schema from migrations, two courses, the hierarchy and a year of history."""
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import Person
    from lms.certification.models import Assignment, CertificationPeriod
    from lms.courses.models import CourseVersion
    from lms.courses.sync import sync_courses
    from lms.db import Base, session
    from lms.migrate import upgrade
    from lms.quizzes.models import Attempt

    rng = random.Random(seed)
    engine = app.extensions["sqlalchemy"].engine
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS lms_alembic_version"))
    upgrade()
    for folder in (ROOT / "courses", ROOT / "tests" / "fixtures" / "courses"):
        _, problems = sync_courses(folder)
        assert not problems, problems
    versions = session.execute(select(CourseVersion.id, CourseVersion.course_id)).all()

    pw = generate_password_hash("bench-password", method="pbkdf2:sha256:1000")
    # CEO -> 20 directors -> 5 managers each -> employees: a director's tree is ~500 people.
    directors, managers_per, ceo_and_up = 20, 5, 1
    staff = max(0, people - ceo_and_up - directors - directors * managers_per)
    rows, next_id = [], 1

    def person(name, role, manager_id, dept):
        nonlocal next_id
        rows.append({"id": next_id, "email": f"{name}@bench.example", "name": name.replace("-", " ").title(),
                     "role": role, "manager_id": manager_id, "department": dept, "status": "active",
                     "password_hash": pw})
        next_id += 1
        return next_id - 1

    ceo = person("ceo", "admin", None, "Board")
    manager_ids, director_ids = [], []
    for d in range(directors):
        did = person(f"director-{d}", "manager", ceo, f"Division {d}")
        director_ids.append(did)
        for m in range(managers_per):
            manager_ids.append((person(f"manager-{d}-{m}", "manager", did, f"Division {d}"), d))
    for i in range(staff):
        mid, d = manager_ids[i % len(manager_ids)]
        person(f"employee-{i}", "employee", mid, f"Division {d}")
    with engine.begin() as conn:
        for chunk in range(0, len(rows), 2000):
            conn.execute(insert(Person.__table__), rows[chunk:chunk + 2000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('lms_person', 'id'), :n)"), {"n": next_id})

    assignments, periods, attempts = [], [], []
    for pid in range(1, next_id):
        for vid, cid in versions:
            assigned = TODAY - timedelta(days=rng.randint(0, 400))
            assignments.append({"person_id": pid, "course_id": cid, "reason": "annual", "assigned_on": assigned,
                                "due_on": assigned + timedelta(days=30)})
            if rng.random() < 0.75:  # certified at some point in the last ~13 months
                certified = TODAY - timedelta(days=rng.randint(0, 420))
                until = certified + timedelta(days=365)
                periods.append({"person_id": pid, "course_id": cid, "version_id": vid, "sequence": 1,
                                "kind": "initial", "certified_on": certified, "valid_until": until,
                                "window_opens_on": until - timedelta(days=60),
                                "code": f"B{pid:06d}{cid:02d}{rng.randrange(10**8):08d}",
                                "details": {"person_name": f"P{pid}"},
                                "revoked_on": TODAY - timedelta(days=3) if rng.random() < 0.01 else None})
                attempts.append({"person_id": pid, "course_id": cid, "version_id": vid, "kind": "final",
                                 "module_key": "", "seed": "bench", "pass_mark": 80, "questions": [],
                                 "score": 90.0, "passed": True})
    with engine.begin() as conn:
        for table, data in ((Assignment.__table__, assignments), (CertificationPeriod.__table__, periods),
                            (Attempt.__table__, attempts)):
            for chunk in range(0, len(data), 5000):
                conn.execute(insert(table), data[chunk:chunk + 5000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    team_lead = director_ids[0]
    return {"people": next_id - 1, "assignments": len(assignments), "periods": len(periods),
            "director_email": "director-0@bench.example", "director_id": team_lead}


def signed_in(app, email: str):
    from tests.conftest import csrf_from

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_from(html), "email": email,
                                           "password": "bench-password"})
    assert response.status_code == 302, response.status_code
    return client


def timed(client, url: str, runs: int) -> float:
    """Median seconds of GET url over ``runs`` (after one warm-up)."""
    client.get(url).get_data()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def export_peak(client, url: str) -> tuple[int, int]:
    """(rows, peak bytes of Python allocations) while streaming a CSV export."""
    tracemalloc.start()
    response = client.get(url)
    rows = sum(chunk.count(b"\n") for chunk in response.response) - 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    return rows, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--url", default=os.environ.get("LMS_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from app import create_app

    ensure_database(args.url)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": args.url, "LMS_TODAY": TODAY.isoformat(),
                      "LMS_LOGIN_RATE_LIMIT": "1000 per minute", "LMS_MAIL_BACKEND": "memory"})
    started = time.perf_counter()
    with app.app_context():
        facts = build(app, args.people)
        dialect = app.extensions["sqlalchemy"].engine.dialect.name
    print(f"loaded {facts['people']} people, {facts['assignments']} assignments, {facts['periods']} "
          f"certification periods in {time.perf_counter() - started:.1f}s on {dialect}")

    admin = signed_in(app, "ceo@bench.example")
    director = signed_in(app, facts["director_email"])
    with app.app_context():
        from lms.accounts.tree import report_ids

        team_size = len(report_ids(facts["director_id"]))
    base = timed(admin, "/healthz", args.runs)
    results = [
        ("GET /healthz (baseline)", base),
        ("org report (summary + first page)", timed(admin, "/reports/org", args.runs)),
        ("org summary filtered: overdue", timed(admin, "/reports/org?status=overdue", args.runs)),
        (f"team report, {team_size}-person tree", timed(director, "/reports/team", args.runs)),
        ("team report page 5, sorted by urgency", timed(director, "/reports/team?sort=status&page=5", args.runs)),
    ]
    print(f"\nmedian of {args.runs} runs")
    for label, seconds in results:
        print(f"  {label:<42} {seconds * 1000:8.1f} ms   {seconds / base:8.1f}x healthz")
    small_rows, small_peak = export_peak(director, "/reports/team.csv")
    big_rows, big_peak = export_peak(admin, "/reports/org.csv")
    print("\nCSV export, peak Python memory while streaming")
    print(f"  team export {small_rows:>7} rows   {small_peak / 1024:8.0f} KiB")
    print(f"  org export  {big_rows:>7} rows   {big_peak / 1024:8.0f} KiB   "
          f"({big_rows / max(small_rows, 1):.0f}x the rows, {big_peak / max(small_peak, 1):.1f}x the memory)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
