"""Where each request's CPU goes under load: the web workers, the database, the load generator.

Throughput ratios say how fast a page is against ``/healthz`` on this machine as it was;
on a machine whose cores are shared by the load generator, gunicorn and PostgreSQL, they
also say how much CPU *every* process spent per request. This splits that out, read from
``/proc`` around each load run (Linux only; elsewhere nothing is printed):

- web: every process of the server's gunicorn process group (master and workers);
- database: the PostgreSQL backends connected to the benchmark's database (found by
  their process title, ``postgres: ... <database> ...``); background processes such as
  the WAL writer are not counted;
- load: the load generator (``wrk``, a child of this process, or the Python loop).

Each figure is user + system CPU milliseconds per request made. A process that exits
between the two readings takes its CPU with it (a gunicorn worker the master replaces, a
backend whose connection closes): the benchmark's servers keep their workers and pooled
connections for a whole run, so that does not happen there. On a machine where
everything runs on the same cores and they are saturated, a page's throughput against
``/healthz`` is close to the inverse of its total CPU against ``/healthz``'s.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Sample:
    """CPU seconds so far of the web server, the database backends and the load generator."""

    web: float
    database: float
    load: float


def _stat(pid: str) -> tuple[int, float] | None:
    """(process group, user + system CPU seconds) of one process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = text[text.rindex(b")") + 2 :].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK


def _is_backend_of(pid: str, database: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            title = f.read().decode(errors="replace")
    except OSError:
        return False
    return title.startswith("postgres: ") and f" {database} " in title


def available() -> bool:
    """Whether CPU can be read per process here (a Linux /proc)."""
    return os.path.exists("/proc/self/stat")


def sample(process_group: int, database: str) -> Sample:
    """CPU so far of the server in ``process_group``, the backends of ``database`` and the
    load generator (this process and its reaped children)."""
    web = db = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        stat = _stat(pid)
        if stat is None:
            continue
        group, seconds = stat
        if group == process_group:
            web += seconds
        elif _is_backend_of(pid, database):
            db += seconds
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    return Sample(web, db, load)


def per_request(before: Sample, after: Sample, requests: int) -> Sample:
    """Milliseconds of CPU per request between two samples."""
    n = max(requests, 1)
    return Sample(
        (after.web - before.web) * 1000 / n,
        (after.database - before.database) * 1000 / n,
        (after.load - before.load) * 1000 / n,
    )


def table(samples: dict[str, list[Sample]], baseline: str = "/healthz") -> list[str]:
    """Median CPU milliseconds per request of each label, and what they bound.

    "x healthz" is the page's total CPU against the baseline's; its inverse ("bound") is
    the throughput ratio the page could reach if the machine's cores were all it shared.
    """
    import statistics

    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    rows = {
        label: Sample(
            median([s.web for s in runs]),
            median([s.database for s in runs]),
            median([s.load for s in runs]),
        )
        for label, runs in samples.items()
    }
    if baseline not in rows:
        return []
    base = rows[baseline]
    base_total = base.web + base.database + base.load
    lines = [
        f"{'page':<38} {'web':>6} {'db':>6} {'load':>6} {'total':>6} {'x healthz':>10} {'bound':>6}"
    ]
    for label, row in rows.items():
        total = row.web + row.database + row.load
        ratio = total / base_total if base_total else float("nan")
        lines.append(
            f"{label:<38} {row.web:>6.2f} {row.database:>6.2f} {row.load:>6.2f} {total:>6.2f} "
            f"{ratio:>10.2f} {1 / ratio if ratio else float('nan'):>6.3f}"
        )
    return lines
