"""Several workers on one queue: each job delivered once. On PostgreSQL a claim skips the
rows another worker is claiming (FOR UPDATE SKIP LOCKED) instead of waiting for them."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import text

from lms import outbox
from lms.db import session
from tests.outbox.conftest import T0


def queue(app, keys):
    with app.app_context():
        for key in keys:
            outbox.enqueue("probe", key, {}, now=T0)
        session.commit()


def test_two_workers_share_the_queue_and_deliver_each_job_once(app, probe):
    keys = [f"job:{i}" for i in range(40)]
    queue(app, keys)
    probe.during.update({k: lambda job: time.sleep(0.005) for k in keys})  # interleave them
    barrier, errors = threading.Barrier(2), []

    def work():
        try:
            with app.app_context():
                barrier.wait()
                outbox.run(limit=3, now=T0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"worker-{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(probe.delivered) == sorted(keys)  # every job, none twice
    assert set(Counter(probe.workers)) == {"worker-0", "worker-1"}  # both did a share


def test_a_claim_skips_rows_locked_by_another_claim(app, probe, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    queue(app, ["a", "b", "c", "d"])
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    other = engine.connect()
    other.begin()  # another worker in the middle of claiming a and b
    other.execute(text("SELECT id FROM lms_outbox WHERE key IN ('a', 'b') FOR UPDATE"))
    done = threading.Event()

    def claim():
        with app.app_context():
            outbox.run_batch(limit=10, now=T0)
        done.set()

    worker = threading.Thread(target=claim)
    worker.start()
    skipped = done.wait(timeout=10)  # without SKIP LOCKED this waits for the other claim
    other.rollback()
    other.close()
    worker.join(timeout=30)
    assert skipped, "the claim waited for rows another transaction had locked"
    assert sorted(probe.delivered) == ["c", "d"]
    with app.app_context():
        assert outbox.run(now=T0).delivered == {"probe": 2}
    assert sorted(probe.delivered) == ["a", "b", "c", "d"]
