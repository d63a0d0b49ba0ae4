"""Queuing jobs: in the caller's transaction, once per key, checked on the way in; and
the operator's tools (erasure, dead jobs back in the queue, the queue's state)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from lms import outbox
from lms.db import session
from lms.outbox.models import OutboxJob
from tests.outbox.conftest import T0
from tests.outbox.helpers import jobs


def test_a_job_exists_only_when_its_cause_commits(app, probe, make_person):
    dana = make_person("dana@example.com")
    with app.app_context():
        from lms.accounts.models import Person

        person = session.get(Person, dana.id)
        person.department = "Sales"
        assert (
            outbox.enqueue("probe", "moved:1", {"to": "Sales"}, person_id=dana.id, now=T0) is True
        )
        session.rollback()  # the cause fails: its job goes with it
    assert jobs(app) == []
    with app.app_context():
        session.get(Person, dana.id).department = "Sales"
        outbox.enqueue("probe", "moved:1", {"to": "Sales"}, person_id=dana.id, now=T0)
        session.commit()
    [job] = jobs(app)
    assert (job.kind, job.key, job.payload, job.person_id) == (
        "probe",
        "moved:1",
        {"to": "Sales"},
        dana.id,
    )
    assert (job.status, job.attempts, job.next_attempt_at, job.created_at) == ("pending", 0, T0, T0)


def test_the_same_key_is_queued_once(app, probe):
    with app.app_context():
        assert outbox.enqueue("probe", "event:7", {"n": 1}) is True
        assert outbox.enqueue("probe", "event:7", {"n": 2}) is False  # same transaction
        session.commit()
        assert outbox.enqueue("probe", "event:7", {"n": 3}) is False  # a later one
        assert (
            outbox.enqueue(
                "mail", "event:7", {"to": ["a@example.com"], "subject": "s", "text": "t"}
            )
            is True
        )  # another kind
        session.commit()
    assert [(j.kind, j.payload) for j in jobs(app)] == [
        ("probe", {"n": 1}),
        ("mail", {"to": ["a@example.com"], "subject": "s", "text": "t"}),
    ]


@pytest.mark.parametrize(
    ("kind", "key", "payload", "error", "match"),
    [
        ("pigeon", "k", {}, ValueError, r"unknown outbox kind 'pigeon'; registered: .*mail"),
        ("probe", "", {}, ValueError, "1 to 200 characters"),
        ("probe", "x" * 201, {}, ValueError, "1 to 200 characters"),
        ("probe", "k", {"when": T0}, TypeError, "not JSON"),
        ("probe", "k", {"n": float("nan")}, TypeError, "not JSON"),
    ],
)
def test_bad_jobs_are_refused_before_anything_is_written(
    app, probe, kind, key, payload, error, match
):
    with app.app_context(), pytest.raises(error, match=match):
        outbox.enqueue(kind, key, payload)
    assert jobs(app) == []


def test_not_before_delays_the_first_attempt(app, probe):
    with app.app_context():
        outbox.enqueue("probe", "later", {}, now=T0, not_before=T0 + timedelta(hours=1))
        session.commit()
        assert outbox.run(now=T0 + timedelta(minutes=59)).claimed == 0
        assert outbox.run(now=T0 + timedelta(hours=1)).delivered == {"probe": 1}


def test_forgetting_a_person_drops_their_undelivered_jobs(app, probe, make_person):
    dana, sami = make_person("dana@example.com"), make_person("sami@example.com")
    with app.app_context():
        for key, pid in (
            ("sent", dana.id),
            ("queued", dana.id),
            ("dead", dana.id),
            ("other", sami.id),
        ):
            outbox.enqueue("probe", key, {"name": "Dana"}, person_id=pid, now=T0)
        session.commit()
        session.execute(
            update(OutboxJob).where(OutboxJob.key == "sent").values(status="done", payload={})
        )
        session.execute(update(OutboxJob).where(OutboxJob.key == "dead").values(status="dead"))
        assert outbox.forget_person(dana.id) == 2
        session.commit()
    assert [j.key for j in jobs(app)] == ["sent", "other"]


def test_dead_jobs_go_back_in_the_queue_on_request(app, probe, outbox_config):
    probe.permanent["a"] = "refused"
    with app.app_context():
        outbox.enqueue("probe", "a", {}, now=T0)
        outbox.enqueue("probe", "b", {}, now=T0)
        session.commit()
        outbox.run(now=T0)
        state = outbox.queue_state(now=T0)
        assert (state.pending, state.dead, state.done) == (0, 1, 1)
        assert [(j.key, j.last_error) for j in state.dead_jobs] == [("a", "Permanent: refused")]
        del probe.permanent["a"]
        assert outbox.retry_dead(now=T0 + timedelta(hours=1)) == 1
        session.commit()
        [job] = [j for j in jobs(app) if j.key == "a"]
        assert (job.status, job.attempts, job.next_attempt_at) == (
            "pending",
            0,
            T0 + timedelta(hours=1),
        )
        assert outbox.run(now=T0 + timedelta(hours=1)).delivered == {"probe": 1}
    assert probe.delivered == ["b", "a"]


def test_queue_state_counts_retries_and_the_oldest_due_job(app, probe, outbox_config):
    probe.failing["a"] = "timeout"
    with app.app_context():
        outbox.enqueue("probe", "a", {}, now=T0)
        session.commit()
        outbox.run(now=T0)  # fails: due again at T0 + 60 s
        outbox.enqueue("probe", "b", {}, now=T0 + timedelta(seconds=10))
        session.commit()
        state = outbox.queue_state(now=T0 + timedelta(seconds=40))
    assert (state.pending, state.retrying, state.dead) == (2, 1, 0)
    assert state.oldest_due == T0 + timedelta(seconds=10)  # "a" is not due yet
