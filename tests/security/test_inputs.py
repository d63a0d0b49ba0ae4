"""No input takes the LMS down: every route of ``app.url_map`` × every role, with hostile
path segments, query parameters and form fields, answers below 500.

Nothing here is a hand list of routes or fields: routes come from the URL map, the fields
of every form from the pages themselves (as a browser sees them), and the values from
``HOSTILE``. Control characters must get a 400 (the input policy), everything else a
clear 4xx or a normal page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from sqlalchemy import select

from lms.db import MAX_ID
from lms.extension import IdConverter
from tests.conftest import csrf_from

HOSTILE = [
    "\x00",
    "a\x00b",
    "/\r\nX-Injected: 1",
    " ",
    "",
    "x" * 5000,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "-1",
    "0",
    "99999999999999999999",
    "1e400",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "%",
    "{{7*7}}",
    "ą€𝄞",
    "../../etc/passwd",
]
# Query parameters the LMS reads beyond its forms (pagination, sorting, redirects).
COMMON_PARAMS = ("page", "per_page", "sort", "next", "q")
ROLES = (
    "anonymous",
    "candidate@example.com",
    "employee@example.com",
    "manager@example.com",
    "admin@example.com",
)
SKIP_ENDPOINTS = {"static", "lms.static", "lms.accounts.logout"}


class Forms(HTMLParser):
    """The forms of a page: action, method and their fields' names and first values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and a["name"] in self.forms[-1]["fields"]:
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or (
                "1" if a.get("type") == "checkbox" else "x"
            )
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "option" and self._select and self.forms[-1]["fields"][self._select] == "":
            self.forms[-1]["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture(scope="module")
def world(module_database, tmp_path_factory):
    """The demo organisation on the real course, with a learner part-way through it."""
    from app import create_app
    from tests.conftest import app_config, clear_tables
    from tests.databases import prepared

    app = create_app(
        app_config(
            module_database.url,
            LMS_COURSES_DIR="courses",
            TESTING=False,
            PROPAGATE_EXCEPTIONS=True,
        )
    )

    def real_courses_and_demo():
        with app.app_context():
            from lms.courses.sync import sync_courses
            from lms.demo import load_demo

            sync_courses(app.config["LMS_COURSES_DIR"])
            load_demo("training-demo")

    prepared(app, "real courses and the demo", real_courses_and_demo)
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            page = client.get("/login").get_data(as_text=True)
            client.post(
                "/login",
                data={"email": role, "password": "training-demo", "csrf_token": csrf_from(page)},
            )
        clients[role] = client
    # Give the employee an attempt and a scenario run, so their ids exist.
    employee = clients["employee@example.com"]
    employee.get("/courses/social-media-policy/modules/why-a-policy")
    course = employee.get("/courses/social-media-policy/").get_data(as_text=True)
    start = (
        next(f for f in forms_of(course) if f["action"].endswith("/start"))
        if "/start" in course
        else None
    )
    if start:
        employee.post(start["action"], data=start["fields"])
    yield app, clients
    with app.app_context():
        clear_tables(app)
        app.extensions["sqlalchemy"].engine.dispose()


def _ids(app) -> dict[str, list]:
    from lms.certification.models import CertificationPeriod, ReviewTask
    from lms.courses.models import CourseVersion
    from lms.db import session
    from lms.quizzes.models import Attempt
    from lms.reports.export_models import ExportJob
    from lms.scenarios.models import ScenarioRun

    with app.app_context():
        first = lambda model: session.scalar(select(model.id).order_by(model.id)) or 1  # noqa: E731
        return {
            "attempt_id": first(Attempt),
            "run_id": first(ScenarioRun),
            "period_id": first(CertificationPeriod),
            "task_id": first(ReviewTask),
            "job_id": first(ExportJob),
            "person_id": 2,
            "candidate_id": 12,
            "number": session.scalar(select(CourseVersion.number)) or 1,
            "slug": "social-media-policy",
            "key": "why-a-policy",
            "rest": "nowhere",
            "code": session.scalar(select(CertificationPeriod.code)) or "ABCD",
            "token": "bad-token",
        }


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.startswith("lms.api."):
            continue  # the API is fuzzed from its OpenAPI document (tests/api/test_openapi.py)
        yield rule


def _build(rule, values: dict) -> str:
    return re.sub(
        r"<(?:[^:>]+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule
    )


def _check(response, what: str, failures: list[str]):
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


def _request(client, method, url, failures, **kwargs):
    try:
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # a streamed body (CSV) must survive to its end, too
        response.close()
    except Exception as exc:  # an exception escaping the app is a 500 in production
        failures.append(f"EXC {method} {url[:120]} {kwargs.get('data', '')!r:.80}: {exc!r:.200}")
        return None
    _check(response, f"{method} {url[:120]} {str(kwargs.get('data', ''))[:80]}", failures)
    return response


def _has_control(values: dict) -> bool:
    return any(ord(c) < 32 for c in "".join(map(str, values.values())))


def _refused_cleanly(response) -> bool:
    """400 (the input policy), or the router's own 404/405, or its redirect to the
    canonical URL (a ``%2F`` in a segment) with every character of Location escaped."""
    if response.status_code in (400, 404, 405):
        return True
    return response.status_code == 308 and response.headers["Location"].isprintable()


def test_every_route_and_role_survives_hostile_path_segments(world):
    app, clients = world
    ids = _ids(app)
    failures: list[str] = []
    for rule in _rules(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        variants = [dict(ids)]
        for name in rule.arguments:
            if isinstance(rule._converters[name], IdConverter):
                variants.append({**ids, name: MAX_ID})
            elif name != "rest":
                variants += [{**ids, name: value} for value in HOSTILE if value]
        for client in clients.values():
            for values in variants:
                url = _build(rule, values)
                for method in methods:
                    response = _request(client, method, url, failures)
                    if (
                        response is not None
                        and method == "GET"
                        and _has_control(values)
                        and not _refused_cleanly(response)
                    ):
                        failures.append(f"{response.status_code} (wanted 400) {method} {url[:100]}")
    assert not failures, "\n".join(failures[:40])


def test_every_query_parameter_and_form_field_survives_hostile_values(world):
    app, clients = world
    ids = _ids(app)
    failures: list[str] = []
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        url = _build(rule, ids)
        for role in (
            "anonymous",
            "employee@example.com",
            "manager@example.com",
            "admin@example.com",
        ):
            client = clients[role]
            page = _request(client, "GET", url, failures)
            if page is None or page.status_code != 200 or page.mimetype != "text/html":
                continue
            html = page.get_data(as_text=True)
            forms = forms_of(html)
            names = set(COMMON_PARAMS) | {
                n for f in forms if f["method"] == "get" for n in f["fields"]
            }
            for value in HOSTILE:
                query = urlencode(dict.fromkeys(names, value))
                response = _request(client, "GET", f"{url}?{query}", failures)
                if (
                    response is not None
                    and any(ord(c) < 32 for c in value)
                    and response.status_code != 400
                ):
                    failures.append(f"{response.status_code} (wanted 400) GET {url}?<{value!r}>")
            for form in forms:
                if form["method"] != "post":
                    continue
                action = urlsplit(form["action"]).path or url
                if (
                    app.url_map.bind("").match(action, method="POST", return_rule=True)[0].endpoint
                    in SKIP_ENDPOINTS
                ):
                    continue
                for field in form["fields"]:
                    if field == "csrf_token":
                        continue
                    for value in HOSTILE:
                        data = {**form["fields"], field: value, "csrf_token": csrf_from(html)}
                        _request(client, "POST", action, failures, data=data)
    assert not failures, "\n".join(failures[:40])
