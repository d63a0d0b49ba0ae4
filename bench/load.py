"""Load generation: Debian's ``wrk`` when installed, else a Python loop (threads + requests).

Both return requests per second with the server's answers checked: any 4xx/5xx (or, for
``wrk``, socket errors) fails the run rather than flattering it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import requests

WRK = shutil.which("wrk")
#: Cycles through prepared POSTs (path, Cookie, form body), one per request.
POST_SCRIPT = r"""
local entries, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do
    local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    entries[#entries + 1] = wrk.format("POST", path, {["Host"] = wrk.headers["Host"],
      ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
end
function request()
  i = i % #entries + 1
  return entries[i]
end
"""


@dataclass
class Load:
    """How hard to push: wrk's threads, connections and seconds."""

    threads: int = 1
    connections: int = 8
    seconds: float = 10


@dataclass(frozen=True)
class Post:
    """One prepared form submission."""

    path: str
    cookie: str
    body: str


def throughput(
    base: str, path: str, load: Load, cookie: str = "", posts: list[Post] | None = None
) -> tuple[float, int]:
    """(requests per second, requests made) for GET ``path``, or for ``posts`` in turn."""
    if WRK:
        return _wrk(base, path, load, cookie, posts)
    return _python(base, path, load, cookie, posts)


def _wrk(base, path, load, cookie, posts) -> tuple[float, int]:
    # Whole seconds, rounded down: a POST round shortened to fit its fresh forms must not
    # be lengthened past them.
    cmd = [WRK, f"-t{load.threads}", f"-c{load.connections}", f"-d{max(1, int(load.seconds))}s"]
    with tempfile.TemporaryDirectory() as tmp:
        if posts:
            script, data = os.path.join(tmp, "post.lua"), os.path.join(tmp, "posts.tsv")
            with open(script, "w") as f:
                f.write(POST_SCRIPT)
            with open(data, "w") as f:
                f.write("".join(f"{p.path}\t{p.cookie}\t{p.body}\n" for p in posts))
            cmd += ["-s", script, base + path, "--", data]
        else:
            if cookie:
                cmd += ["-H", f"Cookie: {cookie}"]
            cmd.append(base + path)
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if bad or (errors and any(int(n) for n in errors.groups())):
        raise RuntimeError(f"wrk {path}: failed requests\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), total


def _python(base, path, load, cookie, posts) -> tuple[float, int]:
    counts, failures, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + load.seconds
    cursor = iter(range(10**9))

    def worker():
        http = requests.Session()
        while time.monotonic() < deadline:
            if posts:
                p = posts[next(cursor) % len(posts)]
                r = http.post(
                    base + p.path,
                    data=p.body,
                    allow_redirects=False,
                    headers={
                        "Cookie": p.cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
            else:
                r = http.get(
                    base + path, headers={"Cookie": cookie} if cookie else {}, allow_redirects=False
                )
            if r.status_code >= 400:
                failures.append(r.status_code)
                return
            with lock:
                counts[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(load.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{path}: HTTP {failures[0]}")
    return counts[0] / (time.monotonic() - started), counts[0]


def latency(base: str, path: str, runs: int, cookie: str = "") -> float:
    """Median seconds for one client to GET ``path`` and read the whole body (one warm-up)."""
    import statistics

    http = requests.Session()
    headers = {"Cookie": cookie} if cookie else {}
    samples = []
    for i in range(runs + 1):
        start = time.perf_counter()
        r = http.get(base + path, headers=headers, stream=True, allow_redirects=False)
        for _ in r.iter_content(65536):
            pass
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
        if i:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)
