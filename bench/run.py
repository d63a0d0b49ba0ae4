"""Speed and scale benchmark (issue 13): learner pages against the stack's ceilings, and the
reports, on PostgreSQL, all measured side by side in one run.

    make bench                                  # 10,000 people, wrk -t1 -c8 -d10s, 6 rounds
    make bench BENCH_ARGS=--quick               # about a minute: 1,000 people, short rounds
    python -m bench.run --people 10000 --report-sizes 1000,100000

Builds its own database (``LMS_BENCH_DATABASE_URL``, default a local ``lms_bench``), starts
gunicorn ``-w 2`` for the LMS and for two baselines (bare Flask "hello", Flask +
Flask-SQLAlchemy rendering a 50-row table), drives them with ``wrk`` (or a Python loop),
interleaving the pages round by round, and prints one table: each figure, its ratio to the
baseline measured in the same run, and the goal beside it. Every server it starts is
stopped on the way out, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench import cpu, instructions, learner, load
from bench import jobs as bench_jobs
from bench.learner import COURSE, MODULES
from bench.memory import export_memory
from bench.seed import LEARNER, TODAY, ensure_database
from bench.servers import ROOT, SECRET, Servers

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench"
PAGE_GOAL, TABLE_GOAL, POST_GOAL = 0.35, 0.45, 0.20
REPORTS = (
    ("org report", "admin", "/reports/org"),
    ("500-person team report", "director", "/reports/team"),
    ("500-person team CSV", "director", "/reports/team.csv"),
    ("org CSV", "admin", "/reports/org.csv"),
)


def seeded(url: str, people: int, reuse: bool) -> dict:
    """Build (or, with ``reuse``, keep) the organisation; the facts the figures need."""
    from sqlalchemy import func, select

    from app import create_app
    from bench import baselines, seed
    from lms.accounts.models import Person
    from lms.db import session
    from lms.migrate import at_head

    ensure_database(url)
    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_TODAY": TODAY.isoformat(),
            "LMS_MAIL_BACKEND": "memory",
        }
    )
    started = time.perf_counter()
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        if reuse:
            try:
                have = session.scalar(select(func.count()).select_from(Person))
                if not at_head():  # built before a migration: its tables are not the code's
                    have = None
            except Exception:
                session.rollback()
                have = None
            if have and abs(have - people) <= seed.TEAM:
                team = session.scalars(
                    select(Person.email).where(Person.email.like("team-%"))
                ).all()
                session.remove()
                baselines.seed(engine)  # cheap, and a database built by hand may lack it
                engine.dispose()
                print(f"reusing {have} people in {url.rsplit('/', 1)[-1]}")
                return {"people": have, "team_emails": sorted(team)}
            # The count's transaction holds a lock that the rebuild's DROP TABLE would wait for.
            session.remove()
        facts = seed.build(app, people)
        baselines.seed(engine)
        engine.dispose()
    print(
        f"built {facts['people']:,} people, {facts['assignments']:,} assignments, "
        f"{facts['periods']:,} certification periods in {time.perf_counter() - started:.1f}s"
    )
    return facts


def pages(lms: str, hello: str, table: str, learner_client, scenario_step: str) -> list[tuple]:
    """(label, base URL, path, cookie) of each throughput figure."""
    cookie = learner_client.cookie
    return [
        ("/healthz", lms, "/healthz", ""),
        ('bare Flask "hello"', hello, "/", ""),
        ("bare Flask + SQLAlchemy 50-row table", table, "/", ""),
        ("learner home", lms, "/", cookie),
        ("course page", lms, f"/courses/{COURSE}/", cookie),
        ("module page", lms, f"/courses/{COURSE}/modules/{MODULES[0]}", cookie),
        ("final assessment page", lms, f"/courses/{COURSE}/assessment", cookie),
        ("scenario step", lms, scenario_step, cookie),
    ]


class CpuMeter:
    """CPU per request of each labelled run (bench/cpu.py), where /proc can be read."""

    def __init__(self, groups: dict[str, int], database: str):
        self.groups, self.database = groups, database
        self.samples: dict[str, list[cpu.Sample]] = {}

    def throughput(self, label: str, base: str, *args, **kwargs) -> tuple[float, int]:
        """``load.throughput(base, *args, **kwargs)``, its CPU per request kept under label."""
        if not cpu.available():
            return load.throughput(base, *args, **kwargs)
        before = cpu.sample(self.groups[base], self.database)
        rate, made = load.throughput(base, *args, **kwargs)
        after = cpu.sample(self.groups[base], self.database)
        self.samples.setdefault(label, []).append(cpu.per_request(before, after, made))
        return rate, made


def measure_pages(figures, posters, rounds: int, spec: load.Load, meter: CpuMeter):
    """Each page's req/s in every interleaved round (None where a POST round was not
    counted). /healthz runs at the start and again at the end of each round: the round's
    baseline is their mean, so a page is compared with the machine as it was around it."""
    samples: dict[str, list] = {label: [] for label, *_ in figures}
    samples["knowledge-check POST"] = []
    guess = post_rate_guess(figures[0][1], posters)
    healthz = figures[0]
    for r in range(rounds):
        for label, base, path, cookie in figures:
            rate, _ = meter.throughput(label, base, path, spec, cookie)
            samples[label].append(rate)
        rate = fresh_posts(figures[0][1], posters, spec, guess, r, meter)
        if rate is not None:
            guess = max(guess, rate)
        samples["knowledge-check POST"].append(rate)
        label, base, path, cookie = healthz
        again, _ = meter.throughput(label, base, path, spec, cookie)
        samples[label][-1] = (samples[label][-1] + again) / 2
        print(
            f"  round {r + 1}/{rounds}: "
            + ", ".join(f"{k} {v[-1]:.0f}" for k, v in samples.items() if v and v[-1])
        )
    return samples


def post_rate_guess(base: str, posters) -> float:
    """POSTs per second from a one-second run over a small batch of fresh forms, to size
    each round's batch. Re-posts (cheap) only make the guess higher: more forms, never
    too few."""
    posts = learner.check_forms(posters, min(200, len(posters) * len(MODULES)))
    rate, _ = load.throughput(base, "", load.Load(1, 8, 1), posts=posts)
    return rate


def fresh_posts(
    base: str, posters, spec: load.Load, guess: float, r: int, meter: CpuMeter
) -> float | None:
    """POSTs per second of one round in which every POST grades a fresh attempt.

    A re-posted form is answered without grading (its attempt is already submitted), so
    a round that ran out of forms would flatter the figure: each round gets 1.5x the
    forms the fastest rate seen so far needs (each person x module has a new open check
    once the last one is submitted), is shortened if even every person's every module
    is not enough, and is not counted if it still re-posted."""
    capacity = len(posters) * len(MODULES)
    posts = learner.check_forms(posters, min(capacity, int(guess * spec.seconds * 1.5) + 50))
    seconds = min(spec.seconds, len(posts) / (guess * 1.25))
    # wrk runs whole seconds; a batch too small for one second is measured anyway, and
    # not counted below if it ran out.
    run = load.Load(spec.threads, spec.connections, max(1.0, seconds))
    counted = "knowledge-check POST"
    rate, made = meter.throughput(counted, base, "", run, posts=posts)
    if made > len(posts):
        if meter.samples.get(counted):
            meter.samples[counted].pop()  # re-posts are cheap: their CPU would flatter it too
        print(
            f"  round {r + 1}: {made} POSTs for {len(posts)} fresh forms: re-posts are not "
            "graded, so this round's POST figure is not counted"
        )
        return None
    print(f"  round {r + 1}: {made} POSTs, each a fresh form of {len(posts)} prepared")
    return rate


def measure_reports(lms: str, cookies: dict[str, str], runs: int) -> dict[str, float]:
    """Single-client median seconds of /healthz and each report, interleaved run by run."""
    samples: dict[str, list[float]] = {"/healthz": []} | {label: [] for label, *_ in REPORTS}
    for _ in range(runs):
        samples["/healthz"].append(load.latency(lms, "/healthz", 1))
        for label, who, path in REPORTS:
            samples[label].append(load.latency(lms, path, 1, cookies[who]))
    return {label: statistics.median(v) for label, v in samples.items()}


def page_table(samples: dict[str, list]) -> list[str]:
    """req/s as the median over rounds; each ratio as the median of the rounds' own
    ratios (page and baseline measured in the same round)."""
    base_label, table_label = "/healthz", "bare Flask + SQLAlchemy 50-row table"

    def median_ratio(label: str, to: str) -> float:
        pairs = [(a, b) for a, b in zip(samples[label], samples[to], strict=True) if a]
        return statistics.median(a / b for a, b in pairs) if pairs else float("nan")

    lines = [f"{'page':<38} {'req/s':>8} {'x healthz':>10} {'x table':>8}   goal"]
    for label, values in samples.items():
        counted = [v for v in values if v]
        rate = statistics.median(counted) if counted else float("nan")
        to_base, to_table = median_ratio(label, base_label), median_ratio(label, table_label)
        if label in (base_label, 'bare Flask "hello"', table_label):
            goal = "baseline" if label == base_label else ""
        elif label == "knowledge-check POST":
            goal = "fresh forms only; "
            goal += f">= {POST_GOAL}x healthz " + ("met" if to_base >= POST_GOAL else "NOT MET")
        else:
            goal = (
                f">= {PAGE_GOAL}x healthz {'met' if to_base >= PAGE_GOAL else 'NOT MET'}, "
                f">= {TABLE_GOAL}x table {'met' if to_table >= TABLE_GOAL else 'NOT MET'}"
            )
        lines.append(f"{label:<38} {rate:>8.0f} {to_base:>10.3f} {to_table:>8.2f}   {goal}")
    return lines


def report_table(by_size: dict[int, dict[str, float]]) -> list[str]:
    sizes = sorted(by_size)
    smallest, largest = sizes[0], sizes[-1]
    head = "".join(f"{f'{n:,} people':>22}" for n in sizes)
    lines = [
        f"{'report (single client, median)':<30}{head}   goal",
        f"{'':<30}" + "".join(f"{'ms':>12}{'x healthz':>10}" for _ in sizes),
    ]
    goals = {
        "org report": "<= 300 ms at 100k",
        "org CSV": "<= 2 s at 100k, flat memory",
        "500-person team report": "<= 1.3x the 1k time at 100k",
        "500-person team CSV": "<= 1.3x the 1k time at 100k",
    }
    for label in ["/healthz"] + [r[0] for r in REPORTS]:
        cells = "".join(
            f"{by_size[n][label] * 1000:>12.1f}{by_size[n][label] / by_size[n]['/healthz']:>10.1f}"
            for n in sizes
        )
        goal = "baseline" if label == "/healthz" else goals[label]
        if label != "/healthz" and len(sizes) > 1:
            goal += f"  ({largest:,} vs {smallest:,}: {by_size[largest][label] / by_size[smallest][label]:.2f}x)"
        lines.append(f"{label:<30}{cells}   {goal}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--people", type=int, default=None, help="organisation size (10,000)")
    parser.add_argument(
        "--report-sizes", default="", help="more sizes for the reports only, e.g. 1000,100000"
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (6)")
    parser.add_argument("--seconds", type=float, default=None, help="wrk duration per page (10)")
    parser.add_argument("--runs", type=int, default=None, help="report runs per size (5)")
    parser.add_argument(
        "--quick", action="store_true", help="about a minute: 1,000 people, 3 rounds of 2 s"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an organisation of that size")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count CPU instructions per request with valgrind (a few minutes)",
    )
    parser.add_argument(
        "--reports-only",
        action="store_true",
        help="only the reports and the export memory (no page rounds, re-sync or background job)",
    )
    parser.add_argument("--url", default=os.environ.get("LMS_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    quick = args.quick
    people = args.people or (1000 if quick else 10_000)
    rounds = args.rounds or (3 if quick else 6)
    runs = args.runs or (3 if quick else 5)
    spec = load.Load(seconds=args.seconds or (2 if quick else 10))
    sizes = [people] + [int(s) for s in args.report_sizes.split(",") if s.strip()]
    sys.path.insert(0, str(ROOT))
    print(
        f"load: {'wrk' if load.WRK else 'Python loop'} -t{spec.threads} -c{spec.connections} "
        f"-d{spec.seconds:g}s, {rounds} rounds; gunicorn -w 2 (sync)"
    )

    reports: dict[int, dict[str, float]] = {}
    counts = None
    rates: dict[str, list] = {}
    meter = None
    with Servers(args.url) as servers:
        for n, size in enumerate(sizes):
            facts = seeded(args.url, size, args.reuse)
            lms = servers.start("bench.servers:lms_app()", "/healthz")
            who = {
                "admin": learner.Client(lms.url, "ceo@bench.example"),
                "director": learner.Client(lms.url, "director-0@bench.example"),
            }
            if n == 0 and not args.reports_only:
                hello = servers.start("bench.baselines:hello()")
                table = servers.start("bench.baselines:table()")
                me = learner.Client(lms.url, LEARNER)
                step = me.scenario_step()
                figures = pages(lms.url, hello.url, table.url, me, step)
                for _, base, path, cookie in figures:  # first visits write progress rows
                    load.throughput(base, path, load.Load(1, 1, 1), cookie)
                posters = learner.sign_in_all(
                    lms.url, facts["team_emails"][: 100 if quick else 494]
                )
                meter = CpuMeter(
                    {s.url: s.process.pid for s in (lms, hello, table)},
                    args.url.rsplit("/", 1)[-1].split("?")[0],
                )
                rates = measure_pages(figures, posters, rounds, spec, meter)
                if args.instructions:
                    counts = instructions.per_request(
                        args.url,
                        {
                            "/healthz": "/healthz",
                            "learner home": "/",
                            "course page": f"/courses/{COURSE}/",
                            "module page": f"/courses/{COURSE}/modules/{MODULES[0]}",
                            "final assessment page": f"/courses/{COURSE}/assessment",
                            "scenario step": step,
                        },
                    )
                hello.stop()
                table.stop()
            reports[facts["people"]] = measure_reports(
                lms.url, {k: c.cookie for k, c in who.items()}, runs
            )
            lms.stop()
        memory = export_memory(args.url)
        jobs = (
            []
            if args.reports_only
            else bench_jobs.lines(args.url, reports[facts["people"]].get("org CSV"))
        )
    if rates:
        print(
            f"\nThroughput (median of {rounds} interleaved rounds, {sizes[0]:,} people; "
            "ratios: the median of each round's own)"
        )
        print("\n".join(page_table(rates)))
    if meter and meter.samples:
        print(
            "\nCPU per request (ms, median of the rounds; user + system, read from /proc): the "
            "gunicorn workers, the database's backends, the load generator; bound = "
            "healthz's total / the page's"
        )
        print("\n".join(cpu.table(meter.samples)))
    if counts:
        goals = {"learner home": 4, "module page": 3}
        print("\nInstructions per request (callgrind, in-process, the web process only)")
        for label, n in counts.items():
            ratio = n / counts["/healthz"]
            if label in goals:
                goal = f"<= {goals[label]}x healthz " + (
                    "met" if ratio <= goals[label] else "NOT MET"
                )
            else:
                goal = "baseline" if label == "/healthz" else ""
            print(f"{label:<38} {n / 1e6:>8.2f} M {ratio:>8.1f}x   {goal}")
    elif args.instructions:
        print("\n(valgrind is not installed: no instruction counts)")
    print(f"\nReports (median of {runs} interleaved runs)")
    print("\n".join(report_table(reports)))
    print(f"\nCSV export memory ({list(reports)[-1]:,} people, in-process, tracemalloc)")
    print("\n".join(memory))
    if jobs:
        print(f"\nSync and background export (in-process, {list(reports)[-1]:,} people)")
        print("\n".join(jobs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
