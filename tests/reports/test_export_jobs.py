"""Big exports as background jobs of the outbox worker: the same CSV as the direct export,
one job per repeated click, only for the person who asked (or an admin), run by one
worker at a time, and deleted once expired."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from lms import outbox
from lms.db import session
from lms.outbox.models import OutboxJob
from lms.outbox.queue import real_now
from lms.reports import export_run
from lms.reports.export_models import ExportChunk, ExportJob
from tests.reports.conftest import client_for

KINDS = ["export"]
THRESHOLD = 1


@pytest.fixture
def small(app, org):
    """Every export above one row runs in the background, written 3 rows per chunk."""
    app.config.update(LMS_EXPORT_BACKGROUND_ROWS=THRESHOLD, LMS_EXPORT_CHUNK_ROWS=3)
    return app


def direct(app, client, url) -> bytes:
    """The export as the request streams it (the threshold out of the way)."""
    app.config["LMS_EXPORT_BACKGROUND_ROWS"] = 10**9
    try:
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        return response.data
    finally:
        app.config["LMS_EXPORT_BACKGROUND_ROWS"] = THRESHOLD


def start(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def work(app) -> outbox.Outcome:
    with app.app_context():
        return outbox.run(kinds=KINDS)


def job_row(app, job_url) -> ExportJob:
    with app.app_context():
        job = session.get(ExportJob, int(job_url.rstrip("/").rsplit("/", 1)[1]))
        session.expunge(job)
        return job


@pytest.mark.parametrize(
    ("email", "url"),
    [
        ("manager@example.com", "/reports/team.csv"),
        ("manager@example.com", "/reports/team.csv?status=overdue&excel=1"),
        ("admin@example.com", "/reports/org.csv"),
        ("admin@example.com", "/reports/org.csv?course=mini&q=a"),
    ],
)
def test_a_big_export_is_done_by_the_worker_and_serves_the_same_csv(small, email, url):
    app = small
    client = client_for(app, email)
    job_url = start(client, url)
    page = client.get(job_url)
    assert page.status_code == 200
    assert b"<progress" in page.data and b"Refresh" in page.data
    assert b"Download the CSV" not in page.data

    assert work(app).delivered == {"export": 1}
    page = client.get(job_url)
    assert b"Download the CSV" in page.data
    status = client.get(job_url + ".json").get_json()
    assert status["status"] == "done"
    assert status["rows_done"] == status["rows_total"] > 0
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data == direct(app, client, url)
    job = job_row(app, job_url)
    assert job.chunks > 2  # really written in pieces, as it went
    assert job.runs == 1


def test_a_second_click_while_pending_is_the_same_job(small):
    client = client_for(small, "manager@example.com")
    first = start(client, "/reports/team.csv?course=mini")
    assert start(client, "/reports/team.csv?course=mini") == first
    assert start(client, "/reports/team.csv") != first  # other filters: another export
    other = client_for(small, "lead@example.com")
    assert start(other, "/reports/team.csv?course=mini") != first  # another person
    assert work(small).delivered == {"export": 3}
    # Once it is done, asking again makes a fresh export (the data may have changed).
    assert start(client, "/reports/team.csv?course=mini") != first


def test_only_the_person_who_asked_or_an_admin_gets_the_export(small):
    owner = client_for(small, "manager@example.com")
    job_url = start(owner, "/reports/team.csv")
    work(small)
    download = owner.get(job_url + ".json").get_json()["download_url"]
    other_manager = client_for(small, "lead@example.com")
    for url in (job_url, job_url + ".json", download):
        assert other_manager.get(url).status_code == 404, url
    learner = client_for(small, "employee@example.com")
    assert learner.get(download).status_code == 403
    admin = client_for(small, "admin@example.com")
    assert admin.get(download).data == owner.get(download).data


def test_a_small_export_still_streams_in_the_request(app, org):
    client = client_for(app, "manager@example.com")
    response = client.get("/reports/team.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"


def test_the_worker_deletes_an_expired_export(small):
    client = client_for(small, "manager@example.com")
    job_url = start(client, "/reports/team.csv")
    work(small)
    with small.app_context():
        later = real_now() + timedelta(hours=25)
        assert outbox.run(kinds=["export-expire"], now=later).delivered == {"export-expire": 1}
        assert session.scalar(select(ExportChunk.job_id).limit(1)) is None
    assert client.get(job_url).status_code == 404


def test_a_worker_that_lost_its_lease_writes_nothing_more(small, monkeypatch):
    client = client_for(small, "manager@example.com")
    job_url = start(client, "/reports/team.csv")
    engine = None
    with small.app_context():
        engine = session.get_bind()
    real_rows = export_run.exporting.export_lines

    def taken_over_midway(*args, **kwargs):
        for number, row in enumerate(real_rows(*args, **kwargs)):
            if number == 4:  # another worker claims the job (this one's lease ran out)
                with engine.begin() as conn:
                    conn.execute(
                        text("UPDATE lms_outbox SET locked_by = 'other' WHERE kind = 'export'")
                    )
            yield row

    monkeypatch.setattr(export_run.exporting, "export_lines", taken_over_midway)
    outcome = work(small)
    assert outcome.delivered == {}
    job = job_row(small, job_url)
    assert job.status == "running"  # left to the worker that holds it now
    with small.app_context():
        owner = session.scalar(select(OutboxJob.locked_by).where(OutboxJob.kind == "export"))
    assert owner == "other"
    assert job.rows_done < job.rows_total  # it stopped writing as soon as it noticed


def test_two_workers_claiming_at_once_run_each_export_once(small, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent claims need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    manager = client_for(small, "manager@example.com")
    admin = client_for(small, "admin@example.com")
    urls = [start(manager, "/reports/team.csv"), start(manager, "/reports/team.csv?course=mini")]
    urls += [start(admin, "/reports/org.csv"), start(admin, "/reports/org.csv?course=mini")]
    barrier, errors, outcomes = threading.Barrier(2), [], []

    def worker():
        try:
            with small.app_context():
                barrier.wait()
                outcomes.append(outbox.run(limit=1, kinds=KINDS))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(o.delivered.get("export", 0) for o in outcomes) == 4
    for url in urls:
        job = job_row(small, url)
        assert (job.status, job.runs) == ("done", 1)


def test_the_worker_reads_the_rows_with_jit_off(small, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("JIT is a PostgreSQL setting")
    client = client_for(small, "manager@example.com")
    start(client, "/reports/team.csv")
    real_rows = export_run.exporting.export_lines
    seen = {}

    def watched(*args, **kwargs):
        for row in real_rows(*args, **kwargs):
            if not seen:  # the transaction the rows are being read in
                seen["jit"] = session.execute(text("SHOW jit")).scalar()
                seen["timeout"] = session.execute(text("SHOW statement_timeout")).scalar()
            yield row

    monkeypatch.setattr(export_run.exporting, "export_lines", watched)
    assert work(small).delivered == {"export": 1}
    assert seen == {"jit": "off", "timeout": "1h"}


def test_an_export_that_keeps_failing_says_so_and_can_be_asked_again(small, monkeypatch):
    client = client_for(small, "manager@example.com")
    job_url = start(client, "/reports/team.csv")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")
        yield

    monkeypatch.setattr(export_run.exporting, "export_lines", broken)
    with small.app_context():
        when = real_now()
        for _attempt in range(3):  # the export kind's attempts, each after its backoff
            outbox.run(kinds=KINDS, now=when)
            when += timedelta(hours=1)
    page = client.get(job_url)
    assert b"The export failed" in page.data
    assert client.get(job_url + ".json").get_json()["status"] == "failed"
    assert start(client, "/reports/team.csv") != job_url  # a new click is a new try


def test_an_export_the_worker_gave_up_on_shows_failed_and_is_cleaned_up(small):
    client = client_for(small, "manager@example.com")
    job_url = start(client, "/reports/team.csv")
    with small.app_context():  # as after workers were killed while running it, every time
        session.execute(text("UPDATE lms_outbox SET status = 'dead' WHERE kind = 'export'"))
        session.commit()
    assert b"The export failed" in client.get(job_url).data
    with small.app_context():
        later = real_now() + timedelta(hours=25)
        assert outbox.run(kinds=["export-expire"], now=later).delivered == {"export-expire": 1}
    assert client.get(job_url).status_code == 404


@pytest.mark.parametrize(("language", "heading"), [("fi", "Vientisi"), ("pl", "Twój eksport")])
def test_the_export_page_and_file_are_in_the_askers_language(small, org, language, heading):
    from sqlalchemy import update

    from lms.accounts.models import Person

    with small.app_context():
        session.execute(
            update(Person).where(Person.email == "manager@example.com").values(locale=language)
        )
        session.commit()
    client = client_for(small, "manager@example.com")
    job_url = start(client, "/reports/team.csv")
    assert heading in client.get(job_url).get_data(as_text=True)
    work(small)
    download = client.get(job_url + ".json").get_json()["download_url"]
    assert client.get(download).data == direct(small, client, "/reports/team.csv")
