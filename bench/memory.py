"""Peak Python memory while streaming the CSV exports (flat memory means streaming works).

Measured in-process through the test client on the benchmark database, with
``tracemalloc``: the team export (about 1,000 rows) against the organisation's (every
person x course); the peaks should be about the same however many more rows the second has.
"""

from __future__ import annotations

import re
import tracemalloc

from bench.seed import PASSWORD, TODAY
from bench.servers import SECRET

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD},
    )
    assert response.status_code == 302, response.status_code
    return client


def _peak(client, url: str) -> tuple[int, int]:
    """(rows, peak bytes of Python allocations) while streaming ``url``."""
    tracemalloc.start()
    try:
        response = client.get(url)
        rows = sum(chunk.count(b"\n") for chunk in response.response) - 1
        _, peak = tracemalloc.get_traced_memory()
        response.close()
    finally:
        tracemalloc.stop()
    return rows, peak


def export_memory(url: str) -> list[str]:
    """Lines for the table: each export's rows and peak memory."""
    from app import create_app

    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_TODAY": TODAY.isoformat(),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute",
            "LMS_MAIL_BACKEND": "memory",
            # The figures are the exports streamed by a request; the background job
            # (which bigger exports become) is measured on its own (bench/jobs.py).
            "LMS_EXPORT_BACKGROUND_ROWS": 10**9,
        }
    )
    team_rows, team_peak = _peak(_signed_in(app, "director-0@bench.example"), "/reports/team.csv")
    org_rows, org_peak = _peak(_signed_in(app, "ceo@bench.example"), "/reports/org.csv")
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    return [
        f"{'team CSV':<30}{team_rows:>10,} rows {team_peak / 1024:>10,.0f} KiB peak",
        f"{'org CSV':<30}{org_rows:>10,} rows {org_peak / 1024:>10,.0f} KiB peak   "
        f"({org_rows / max(team_rows, 1):.0f}x the rows, {org_peak / max(team_peak, 1):.1f}x the memory; "
        "goal: flat)",
    ]
