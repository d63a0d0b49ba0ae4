"""The issue's test: the outbox survives ``kill -9`` of the worker mid-batch. Every
message is delivered and none twice (the file backend, one file per message), and a
kill re-sends at most the one message that was in flight.

Real worker processes (``flask lms send-mail --loop``) deliver through a slowed file
backend (tests/outbox/worker_app.py): the first is killed with SIGKILL in the middle of
its first batch, a second one finishes the queue once the dead worker's lease has run
out, and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from lms.db import session
from lms.outbox.mail import queue_mail
from tests.outbox.helpers import jobs

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 10
CONTEXT = {"url": "http://lms.test/", "due_on": None, "standalone": False, "max_age_days": 14}


def wait_for(condition, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_the_outbox_survives_kill_9_of_the_worker_mid_batch(app, database_url, tmp_path):
    mail_dir, log = tmp_path / "mail", tmp_path / "deliveries.log"
    keys = [f"invite:{i:02d}" for i in range(MESSAGES)]
    with app.app_context():
        for i, key in enumerate(keys):
            queue_mail(
                to=f"c{i}@example.com", template="candidate_invite", context=CONTEXT, key=key
            )
        session.commit()

    env = {
        **os.environ,
        "OUTBOX_TEST_DB": database_url,
        "OUTBOX_TEST_MAIL_DIR": str(mail_dir),
        "OUTBOX_TEST_LOG": str(log),
        "OUTBOX_TEST_DELAY": "0.1",
        "OUTBOX_TEST_LEASE": "2",
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "tests.outbox.worker_app",
        "lms",
        "send-mail",
        "--loop",
        "--batch",
        "4",
        "--interval",
        "0.2",
    ]

    def deliveries() -> list[str]:
        return log.read_text().split() if log.exists() else []

    def start():
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    worker = start()
    wait_for(lambda: len(deliveries()) >= 3, "3 deliveries")  # of its first batch of 4
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    held = [
        j
        for j in jobs(app)
        if j.status == "pending"
        and (j.locked_by or "").startswith(f"{socket.gethostname()[:40]}:{worker.pid}:")
    ]
    assert held, "the worker was killed between batches, not mid-batch"

    last = start()
    wait_for(lambda: all(j.status == "done" for j in jobs(app)), "every job to be done")
    last.send_signal(signal.SIGTERM)
    output, _ = last.communicate(timeout=30)
    assert last.returncode == 0 and "Outbox worker stopped." in output, output

    delivered = deliveries()
    assert set(delivered) == set(keys)
    assert len(delivered) - MESSAGES <= 1  # at most the message in flight was sent again
    files = sorted(mail_dir.iterdir())
    assert len(files) == MESSAGES and all(f.suffix == ".eml" for f in files)  # no leftovers
    recipients = sorted(
        BytesParser(policy=policy.default).parsebytes(f.read_bytes())["To"] for f in files
    )
    assert recipients == sorted(f"c{i}@example.com" for i in range(MESSAGES))
    assert {j.status for j in jobs(app)} == {"done"}
