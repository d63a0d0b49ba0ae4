"""Two in-process figures beside the served ones: the unchanged re-sync (content hash
first) against the full check it replaces, and a background org export run by the outbox
worker against the same export streamed by a request.

Both run on the benchmark database through the app (no gunicorn): the re-sync is the
command's work, the export the worker's.
"""

from __future__ import annotations

import statistics
import time

from bench.memory import _signed_in
from bench.seed import TODAY
from bench.servers import ROOT, SECRET

RESYNC_GOAL = 0.2  # seconds


def _app(url: str, **extra):
    from app import create_app

    return create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_TODAY": TODAY.isoformat(),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute",
            "LMS_MAIL_BACKEND": "memory",
            **extra,
        }
    )


def _median(run, times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def resync_seconds(url: str, runs: int = 5) -> tuple[float, float]:
    """(median seconds of an unchanged ``sync_courses`` of the shipped courses, median
    seconds of the full check-and-compare the hash now skips)."""
    from lms.courses import translation_store
    from lms.courses.source import check_courses
    from lms.courses.sync import sync_course, sync_courses

    root = ROOT / "courses"
    app = _app(url)
    with app.app_context():
        sync_courses(root)  # stores the folder hashes if an older sync did not

        def full():
            courses, _ = check_courses(root)
            for src in courses:
                rows, _ = translation_store.prepare(src)
                sync_course(src, rows)

        fast = _median(lambda: sync_courses(root), runs)
        slow = _median(full, max(1, runs // 2))
        app.extensions["sqlalchemy"].engine.dispose()
    return fast, slow


def background_export(url: str) -> tuple[int, float, float]:
    """(rows, seconds the worker took, seconds the request took to queue it) for the org
    CSV as a background job (threshold 0), after one warm-up job."""
    app = _app(url, LMS_EXPORT_BACKGROUND_ROWS=0)
    client = _signed_in(app, "ceo@bench.example")
    _export_job(app, client)  # warm-up: imports, templates, the database's caches
    result = _export_job(app, client)
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    return result


def _export_job(app, client) -> tuple[int, float, float]:
    from lms import outbox

    started = time.perf_counter()
    response = client.get("/reports/org.csv")
    queued = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    with app.app_context():
        started = time.perf_counter()
        outcome = outbox.run(kinds=["export"])
        worked = time.perf_counter() - started
        assert outcome.delivered == {"export": 1}, outcome
    status = client.get(response.headers["Location"] + ".json").get_json()
    assert status["status"] == "done", status
    return status["rows_done"], worked, queued


def lines(url: str, org_csv_seconds: float | None) -> list[str]:
    """The table's lines for both figures."""
    fast, slow = resync_seconds(url)
    rows, worked, queued = background_export(url)
    verdict = "met" if fast <= RESYNC_GOAL else "NOT MET"
    direct = f", {worked / org_csv_seconds:.2f}x the streamed org CSV" if org_csv_seconds else ""
    return [
        f"{'unchanged re-sync':<34}{fast * 1000:>10.1f} ms   <= {RESYNC_GOAL * 1000:.0f} ms {verdict}"
        f"  (the full check it skips: {slow * 1000:.0f} ms)",
        f"{'background org CSV (worker)':<34}{worked * 1000:>10.1f} ms   {rows:,} rows{direct};"
        f" the request queues it in {queued * 1000:.0f} ms",
    ]
