"""The app a subprocess worker runs in the crash test (``flask --app
tests.outbox.worker_app lms send-mail``): the standalone app on the test's database,
delivering through ``slow-file``, a test-only mail backend that is the file backend plus
a line in a delivery log and a pause after each message. The pause keeps a message "in
flight" (written, not yet marked sent) long enough to be killed there.

Settings come from the environment: OUTBOX_TEST_DB, OUTBOX_TEST_MAIL_DIR, OUTBOX_TEST_LOG,
OUTBOX_TEST_DELAY (seconds), OUTBOX_TEST_LEASE (seconds).
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from app import create_app as create_standalone_app
from lms import mail
from tests.conftest import app_config


@mail.register_backend("slow-file")
@contextmanager
def slow_file():
    delay = float(os.environ["OUTBOX_TEST_DELAY"])
    with mail.BACKENDS["file"]() as write:

        def deliver(message: mail.Message) -> None:
            write(message)
            fd = os.open(os.environ["OUTBOX_TEST_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            try:
                os.write(fd, f"{message.key}\n".encode())
            finally:
                os.close(fd)
            time.sleep(delay)

        yield deliver


def create_app():
    return create_standalone_app(
        app_config(
            os.environ["OUTBOX_TEST_DB"],
            LMS_MAIL_BACKEND="slow-file",
            LMS_MAIL_FILE_DIR=os.environ["OUTBOX_TEST_MAIL_DIR"],
            LMS_OUTBOX_LEASE_SECONDS=float(os.environ["OUTBOX_TEST_LEASE"]),
        )
    )
