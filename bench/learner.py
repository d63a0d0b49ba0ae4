"""Browser-like clients for the benchmark: sign in through the real form, start a scenario,
collect real knowledge-check forms (a fresh attempt each) to post under load."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import requests

from bench.load import Post
from bench.seed import PASSWORD

COURSE = "social-media-policy"
MODULES = (
    "why-a-policy",
    "speaking-for-company",
    "complaints-and-conflict",
    "personal-accounts",
    "confidential-and-safety",
    "account-security",
    "legal-compliance",
)
SCENARIO = "angry-customer"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
CHECK_ACTION = re.compile(r'action="([^"]*/check/\d+)"')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="(q-[^"]+)" value="([^"]+)"')


class Client:
    """One signed-in person over HTTP (cookies kept by ``requests``)."""

    def __init__(self, base: str, email: str):
        self.base, self.http = base, requests.Session()
        page = self.get("/login")
        r = self.http.post(
            base + "/login",
            allow_redirects=False,
            data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD},
        )
        if r.status_code != 302:
            raise RuntimeError(f"sign-in as {email}: HTTP {r.status_code}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())

    def get(self, path: str) -> str:
        r = self.http.get(self.base + path)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {r.status_code}")
        return r.text

    def scenario_step(self) -> str:
        """Start a run of the scenario; the path of its first step."""
        page = self.get(f"/courses/{COURSE}/scenarios/{SCENARIO}")
        r = self.http.post(
            self.base + f"/courses/{COURSE}/scenarios/{SCENARIO}/start",
            data={"csrf_token": CSRF.search(page).group(1)},
            allow_redirects=False,
        )
        if r.status_code != 302 or "/scenario-runs/" not in r.headers["Location"]:
            raise RuntimeError(f"scenario start: HTTP {r.status_code}")
        return "/scenario-runs/" + r.headers["Location"].split("/scenario-runs/")[1]

    def check_form(self, module: str) -> Post:
        """The module's open knowledge check as the page shows it, answered with each
        question's first choice (some pass, most fail: both are graded and stored)."""
        page = self.get(f"/courses/{COURSE}/modules/{module}")
        action = CHECK_ACTION.search(page).group(1)
        answers: dict[str, str] = {}
        for name, value in CHOICE.findall(page):
            answers.setdefault(name, value)
        body = urlencode({"csrf_token": CSRF.search(page).group(1), **answers})
        return Post(action.replace("&amp;", "&"), self.cookie, body)


def sign_in_all(base: str, emails: list[str], workers: int = 4) -> list[Client]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda e: Client(base, e), emails))


def check_forms(clients: list[Client], count: int, workers: int = 4) -> list[Post]:
    """``count`` forms, each a different open attempt (person x module), fetched in parallel."""
    pairs = [(c, m) for m in MODULES for c in clients][:count]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda cm: cm[0].check_form(cm[1]), pairs))
