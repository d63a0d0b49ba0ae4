"""gunicorn servers the benchmark starts, and always stops (also on Ctrl-C and errors).

Each server is ``gunicorn -w 2`` (sync workers) on a free local port, in its own process
group so stopping it takes its workers too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.seed import TODAY

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"


def lms_app():
    """The standalone LMS on the benchmark database (``gunicorn 'bench.servers:lms_app()'``)."""
    from app import create_app

    return create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": os.environ["LMS_BENCH_DATABASE_URL"],
            "LMS_TODAY": TODAY.isoformat(),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute",
            "LMS_MAIL_BACKEND": "memory",
            # The figures are the exports streamed by a request; the background job
            # (which bigger exports become) is measured on its own (bench/jobs.py).
            "LMS_EXPORT_BACKGROUND_ROWS": 10**9,
            "LMS_XAPI_ENDPOINT": None,
        }
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn process group serving ``target`` at ``self.url``."""

    def __init__(self, target: str, database_url: str, workers: int = 2):
        self.target, self.port = target, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "LMS_BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        gunicorn = [sys.executable, "-m", "gunicorn"]
        self.process = subprocess.Popen(
            [
                *gunicorn,
                "-w",
                str(workers),
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
                target,
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def wait(self, path: str = "/", timeout: float = 60) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited with {self.process.returncode}")
            try:
                if requests.get(self.url + path, timeout=10).status_code < 500:
                    return self
            except requests.RequestException:  # bound, workers still booting
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.target} did not answer within {timeout}s")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


class Servers:
    """Context manager holding every server started; all are stopped on the way out."""

    def __init__(self, database_url: str):
        self.database_url, self.started = database_url, []

    def start(self, target: str, path: str = "/") -> Server:
        server = Server(target, self.database_url)
        self.started.append(server)
        return server.wait(path)

    def __enter__(self) -> Servers:
        # SIGTERM (e.g. from make being stopped) unwinds like Ctrl-C, through __exit__.
        self._previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc) -> None:
        for server in reversed(self.started):
            server.stop()
        signal.signal(signal.SIGTERM, self._previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
