"""CPU instructions per request, independent of machine load (valgrind's callgrind).

Each figure is the instructions of 100 requests of the page, divided by 100. The child
starts the app in-process under callgrind with instrumentation off (so start-up, imports
and the sign-in run at close to native speed and are not counted), warms the page up (its
templates compiled, its statements and the course caches filled), then turns
instrumentation on for exactly the measured requests with ``callgrind_control`` and off
again. Only the web process is counted (PostgreSQL's own work is not).
``python -m bench.run --instructions`` prints them when valgrind is installed.

    python -m bench.instructions URL PATH N     # the child callgrind runs
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

VALGRIND = shutil.which("valgrind")
CONTROL = shutil.which("callgrind_control")
REQUESTS = 100


def _instrument(on: bool) -> None:
    """Turn callgrind's instrumentation of this process on or off (through vgdb)."""
    subprocess.run(
        [CONTROL or "callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        capture_output=True,
    )


def _child(url: str, path: str, n: int) -> None:
    from app import create_app
    from bench.memory import _signed_in
    from bench.seed import LEARNER, TODAY
    from bench.servers import SECRET

    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_TODAY": TODAY.isoformat(),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute",
            "LMS_MAIL_BACKEND": "memory",
        }
    )
    client = _signed_in(app, LEARNER)
    for _ in range(3):
        assert client.get(path).status_code == 200
        assert client.get("/healthz").status_code == 200
    _instrument(True)
    for _ in range(n):
        client.get(path).get_data()
    _instrument(False)


def _instructions(url: str, path: str, n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(
            [
                VALGRIND,
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.instructions",
                url,
                path,
                str(n),
            ],
            check=True,
            capture_output=True,
            cwd=os.path.dirname(os.path.dirname(__file__)),
        )
        with open(out) as f:
            text = f.read()
    return int(re.search(r"^totals: (\d+)", text, re.M).group(1))


def per_request(url: str, paths: dict[str, str]) -> dict[str, float] | None:
    """Instructions per request of each labelled path, or None without valgrind."""
    if not (VALGRIND and CONTROL):
        return None
    return {label: _instructions(url, path, REQUESTS) / REQUESTS for label, path in paths.items()}


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
