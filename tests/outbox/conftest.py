"""Fixtures for the outbox tests: a fixed clock and a ``probe`` job kind whose handler
records what it delivers and fails on demand."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from lms.outbox import Permanent
from lms.outbox.registry import HANDLERS, Handler, Job

T0 = datetime(2026, 3, 2, 9, 0, 0)


@dataclass
class Probe:
    """What the ``probe`` handler did, and what it should do."""

    delivered: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)  # the thread of each delivery
    failing: dict[str, str] = field(default_factory=dict)  # key -> error (retried)
    permanent: dict[str, str] = field(default_factory=dict)  # key -> error (dead at once)
    during: dict[str, object] = field(default_factory=dict)  # key -> callable run first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, job: Job) -> None:
        if job.key in self.during:
            self.during[job.key](job)
        if job.key in self.permanent:
            raise Permanent(self.permanent[job.key])
        if job.key in self.failing:
            raise RuntimeError(self.failing[job.key])
        with self.lock:
            self.delivered.append(job.key)
            self.workers.append(threading.current_thread().name)


@pytest.fixture
def probe(monkeypatch) -> Probe:
    """The ``probe`` kind, registered for this test only."""
    probe = Probe()
    monkeypatch.setitem(HANDLERS, "probe", Handler(kind="probe", deliver=probe.deliver))
    return probe


@pytest.fixture
def outbox_config(app):
    """Small, round retry settings so backoff times are easy to read."""
    app.config.update(
        LMS_OUTBOX_MAX_ATTEMPTS=4,
        LMS_OUTBOX_RETRY_SECONDS=60,
        LMS_OUTBOX_RETRY_MAX_SECONDS=150,
        LMS_OUTBOX_LEASE_SECONDS=30,
    )
    return app
