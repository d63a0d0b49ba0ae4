"""The benchmark's CPU split (bench/cpu.py) reads a server's process group, not its neighbours."""

import subprocess
import sys

import pytest

from bench import cpu

pytestmark = pytest.mark.skipif(not cpu.available(), reason="reads Linux's /proc")

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"


def test_a_reaped_child_s_cpu_is_the_load_generator_s():
    before = cpu.sample(-1, "no_such_database")
    subprocess.run([sys.executable, "-c", BURN], check=True)
    after = cpu.sample(-1, "no_such_database")
    assert after.load - before.load >= 0.25  # wrk is such a child
    assert after.web == before.web == 0  # no process is in group -1


def test_the_table_reads_per_request_milliseconds_against_healthz():
    samples = {
        "/healthz": [cpu.Sample(1.0, 0.0, 0.5)] * 3,
        "home": [cpu.Sample(3.0, 1.0, 0.5), cpu.Sample(4.0, 1.0, 0.5), cpu.Sample(9.0, 1, 0.5)],
    }
    lines = cpu.table(samples)
    page = next(line for line in lines if line.startswith("home "))
    # median web 4.0, db 1.0, load 0.5: 5.5 ms against healthz's 1.5 -> 3.67x, bound 0.273
    assert page.split()[1:] == ["4.00", "1.00", "0.50", "5.50", "3.67", "0.273"]


def test_a_live_group_s_cpu_is_its_web_figure():
    script = (
        "import sys\nprint('ready', flush=True)\nsys.stdin.readline()\n"
        + BURN
        + "print('done', flush=True)\n"
    )
    script += "sys.stdin.readline()\n"
    group = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert group.stdout.readline() == "ready\n"  # started: only the burn is to come
        before = cpu.sample(group.pid, "no_such_database")
        group.stdin.write("go\n")
        group.stdin.flush()
        assert group.stdout.readline() == "done\n"
        after = cpu.sample(group.pid, "no_such_database")
    finally:
        group.kill()
        group.wait()
    assert 0.28 <= after.web - before.web <= 0.5
