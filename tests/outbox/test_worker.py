"""The worker: delivery, retries with backoff, dead letters, leases after a crash, and
batch contexts. Time is passed in."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import update

from lms import outbox
from lms.db import session
from lms.outbox.models import OutboxJob
from lms.outbox.registry import HANDLERS, Handler
from lms.outbox.worker import _Batch, backoff
from tests.outbox.conftest import T0
from tests.outbox.helpers import jobs


def queue(app, *keys, kind="probe", now=T0):
    with app.app_context():
        for key in keys:
            outbox.enqueue(kind, key, {"key": key}, now=now)
        session.commit()


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (4, 480), (9, 3600)]
)
def test_backoff_doubles_up_to_the_cap(attempts, seconds):
    assert backoff(attempts, 60, 3600) == timedelta(seconds=seconds)


def test_a_delivered_job_is_done_and_keeps_no_payload(app, probe):
    queue(app, "a", "b")
    with app.app_context():
        outcome = outbox.run(now=T0)
        assert (outcome.claimed, outcome.delivered, outcome.retrying, outcome.dead) == (
            2,
            {"probe": 2},
            [],
            [],
        )
        assert outbox.run(now=T0 + timedelta(days=1)).claimed == 0  # nothing is sent twice
    assert probe.delivered == ["a", "b"]
    for job in jobs(app):
        assert (job.status, job.attempts, job.payload, job.done_at) == ("done", 1, {}, T0)
        assert (job.locked_by, job.locked_until, job.last_error) == (None, None, None)


def test_a_kind_may_keep_its_payload(app, monkeypatch):
    monkeypatch.setitem(
        HANDLERS,
        "audit-copy",
        Handler(kind="audit-copy", deliver=lambda job: None, keep_payload=True),
    )
    queue(app, "a", kind="audit-copy")
    with app.app_context():
        outbox.run(now=T0)
    assert [(j.status, j.payload) for j in jobs(app)] == [("done", {"key": "a"})]


def test_failures_are_retried_with_backoff_then_dead(app, probe, outbox_config):
    probe.failing["a"] = "connection reset"
    queue(app, "a")
    now, seen = T0, []
    with app.app_context():
        for _ in range(4):
            outcome = outbox.run(now=now)
            [job] = jobs(app)
            seen.append((job.status, job.attempts, job.next_attempt_at - now))
            assert job.last_error == "RuntimeError: connection reset"
            assert outbox.run(now=job.next_attempt_at - timedelta(seconds=1)).claimed == 0
            now = job.next_attempt_at
    # 60 s, doubled, capped at 150 s; the 4th attempt (LMS_OUTBOX_MAX_ATTEMPTS) is the last.
    assert seen == [
        ("pending", 1, timedelta(seconds=60)),
        ("pending", 2, timedelta(seconds=120)),
        ("pending", 3, timedelta(seconds=150)),
        ("dead", 4, timedelta(0)),
    ]
    assert [(j.key, e) for j, e in outcome.dead] == [("a", "RuntimeError: connection reset")]
    assert probe.delivered == []
    assert jobs(app)[0].payload == {"key": "a"}  # kept for the operator


def test_a_retry_that_succeeds_clears_the_error(app, probe, outbox_config):
    probe.failing["a"] = "timeout"
    queue(app, "a", "b")
    with app.app_context():
        first = outbox.run(now=T0)
        assert first.delivered == {"probe": 1} and [j.key for j, _, _ in first.retrying] == ["a"]
        del probe.failing["a"]
        assert outbox.run(now=T0 + timedelta(seconds=60)).delivered == {"probe": 1}
    assert probe.delivered == ["b", "a"]
    assert [(j.status, j.attempts, j.last_error) for j in jobs(app)] == [
        ("done", 2, None),
        ("done", 1, None),
    ]


def test_a_permanent_failure_is_dead_at_once(app, probe, outbox_config):
    probe.permanent["a"] = "no such mailbox"
    queue(app, "a")
    with app.app_context():
        outcome = outbox.run(now=T0)
    assert [(j.key, e) for j, e in outcome.dead] == [("a", "Permanent: no such mailbox")]
    assert [(j.status, j.attempts) for j in jobs(app)] == [("dead", 1)]


def test_a_job_claimed_by_a_worker_that_died_waits_for_the_lease(app, probe, outbox_config):
    """A worker killed after claiming leaves its jobs leased; they are delivered once the
    lease (LMS_OUTBOX_LEASE_SECONDS = 30) has run out, and the attempt is counted."""
    queue(app, "a", "b")
    with app.app_context():
        claimed = _Batch(lambda: T0, outbox.Outcome()).claim(1, ["probe"])  # ... then it died
        assert [j.key for j in claimed] == ["a"]
        assert outbox.run(now=T0 + timedelta(seconds=29)).delivered == {"probe": 1}  # only b
        assert outbox.run(now=T0 + timedelta(seconds=31)).delivered == {"probe": 1}
    assert probe.delivered == ["b", "a"]
    assert [(j.key, j.attempts) for j in jobs(app)] == [("a", 2), ("b", 1)]


def test_a_job_that_keeps_stopping_the_worker_goes_dead_undelivered(app, probe, outbox_config):
    queue(app, "poison")
    with app.app_context():
        for crash in range(4):  # claimed, then the worker dies, four times (the maximum)
            at = T0 + crash * timedelta(seconds=31)
            assert len(_Batch(lambda at=at: at, outbox.Outcome()).claim(5, ["probe"])) == 1
        now = T0 + 4 * timedelta(seconds=31)
        outcome = outbox.run(now=now)
    assert probe.delivered == []
    [job] = jobs(app)
    assert (job.status, job.attempts) == ("dead", 5)
    assert job.last_error == "given up: the worker stopped while delivering it 4 time(s)"
    assert len(outcome.dead) == 1


def test_a_job_whose_lease_was_taken_over_is_not_delivered_again(app, probe):
    """Just before each delivery the worker renews its lease; if another worker holds the
    job now (this one was too slow), it is skipped."""

    def steal_b(job):
        session.execute(update(OutboxJob).where(OutboxJob.key == "b").values(locked_by="other:1"))

    probe.during["a"] = steal_b
    queue(app, "a", "b")
    with app.app_context():
        outcome = outbox.run(now=T0)
    assert probe.delivered == ["a"]
    assert (outcome.delivered, outcome.lost) == ({"probe": 1}, 1)
    assert [(j.key, j.status, j.locked_by) for j in jobs(app)] == [
        ("a", "done", None),
        ("b", "pending", "other:1"),
    ]


def test_what_a_failing_handler_wrote_is_rolled_back(app, probe):
    def write_then_fail(job):
        session.execute(update(OutboxJob).where(OutboxJob.key == "b").values(payload={"x": 1}))
        raise RuntimeError("half done")

    probe.during["a"] = write_then_fail
    queue(app, "a", "b")
    with app.app_context():
        outbox.run_batch(now=T0, limit=1)  # a only
    assert [(j.key, j.status, j.payload) for j in jobs(app)] == [
        ("a", "pending", {"key": "a"}),
        ("b", "pending", {"key": "b"}),
    ]


def test_a_batched_kind_opens_its_context_once_per_batch(app, monkeypatch):
    opened, sent = [], []

    @contextmanager
    def connection():
        opened.append(1)
        yield lambda job: sent.append(job.key)

    monkeypatch.setitem(HANDLERS, "bulk", Handler(kind="bulk", batch=connection))
    queue(app, *"abcde", kind="bulk")
    with app.app_context():
        outcome = outbox.run(now=T0, limit=2)
    assert sent == list("abcde") and outcome.delivered == {"bulk": 5}
    assert len(opened) == 3  # batches of 2, 2 and 1


def test_a_batch_context_that_cannot_open_fails_its_jobs(app, monkeypatch, outbox_config):
    @contextmanager
    def unreachable():
        raise ConnectionRefusedError("smtp.example.com:587")
        yield

    monkeypatch.setitem(HANDLERS, "bulk", Handler(kind="bulk", batch=unreachable))
    queue(app, "a", "b", kind="bulk")
    with app.app_context():
        outcome = outbox.run(now=T0)
    assert [j.key for j, _, _ in outcome.retrying] == ["a", "b"]
    assert {(j.status, j.attempts, j.last_error) for j in jobs(app)} == {
        ("pending", 1, "ConnectionRefusedError: smtp.example.com:587")
    }


def test_a_stopping_worker_gives_back_what_it_did_not_attempt(app, probe):
    queue(app, "a", "b", "c")
    with app.app_context():
        outcome = outbox.run(now=T0, stop=lambda: len(probe.delivered) >= 1)
    assert outcome.delivered == {"probe": 1}
    assert [(j.key, j.status, j.attempts, j.locked_by) for j in jobs(app)] == [
        ("a", "done", 1, None),
        ("b", "pending", 0, None),
        ("c", "pending", 0, None),
    ]


def test_a_worker_can_be_limited_to_some_kinds(app, probe):
    queue(app, "a")
    with app.app_context():
        assert outbox.run(now=T0, kinds=["mail"]).claimed == 0
        assert outbox.run(now=T0, kinds=["probe"]).delivered == {"probe": 1}
