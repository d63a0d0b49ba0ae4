"""A real Learning Record Store for the tests: Ralph (``ralph-malph``, the LRS of France
Université Numérique), in a virtualenv of its own (it pins its dependencies), with its
file-system backend, on 127.0.0.1. Installed once into ``.venv-ralph`` in the checkout
(or ``LMS_TEST_RALPH_VENV``); tests skip with the reason when it cannot be installed."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

from tests.workers import exclusive

ROOT = Path(__file__).resolve().parents[2]
RALPH = "ralph-malph[cli,lrs,backend-fs]>=5.1,<6"
USER, PASSWORD = "lms", "lrs-test-password"


class LRSUnavailable(RuntimeError):
    pass


def ralph_python() -> Path:
    env_dir = Path(os.environ.get("LMS_TEST_RALPH_VENV") or ROOT / ".venv-ralph")
    python = env_dir / "bin" / "python"
    ralph = env_dir / "bin" / "ralph"
    # Two test workers may both find it missing: one installs, the other waits for it.
    with exclusive(env_dir.with_name(env_dir.name + ".lock")):
        if not ralph.exists():
            try:
                venv.EnvBuilder(with_pip=True).create(env_dir)
                subprocess.run(
                    [str(python), "-m", "pip", "install", "-q", RALPH, "requests"],
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
            except (subprocess.SubprocessError, OSError) as exc:
                raise LRSUnavailable(f"could not install {RALPH}: {exc}") from None
    return python


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ralph:
    """One LRS process; ``stop()`` and ``start()`` again keep its data (same folder)."""

    def __init__(self, folder: Path):
        self.python = ralph_python()
        self.folder = folder
        self.port = _free_port()
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "fs"),
        }
        self.process: subprocess.Popen | None = None
        ralph = self.python.parent / "ralph"
        subprocess.run(
            [
                str(ralph),
                "auth",
                "-u",
                USER,
                "-p",
                PASSWORD,
                "-s",
                "all",
                "-M",
                "mailto:lms@example.com",
                "-w",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        (self.folder / "fs").mkdir(exist_ok=True)
        self.log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(self.python), str(Path(__file__).with_name("run_ralph.py")), str(self.port)],
            env=self.env,
            cwd=self.folder,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2
                ).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        raise LRSUnavailable(
            f"Ralph did not start: {(self.folder / 'ralph.log').read_text()[-800:]}"
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
            self.log.close()

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, read back through its own xAPI API."""
        auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        found, url = [], f"{self.endpoint}statements?limit=500"
        while url:
            request = urllib.request.Request(
                url, headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"}
            )
            page = json.loads(urllib.request.urlopen(request, timeout=20).read())
            found += page["statements"]
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return found


if __name__ == "__main__":  # pragma: no cover - `python tests/xapi/lrs.py` installs it
    print(ralph_python(), file=sys.stderr)
