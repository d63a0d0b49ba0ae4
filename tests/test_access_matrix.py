"""Who may use what: every rule of the app's ``url_map`` x every role, answers declared.

``ACCESS`` below holds one entry per endpoint: for each method the rule accepts (HEAD and
OPTIONS aside), the answer each role gets. The tests are generated from the url_map, not
from the table, so a route added without an entry fails (``no entry``), and an entry for
an endpoint or method that no longer exists fails too.

The URL arguments are real: one database, seeded once for the module, holds the mini
course in two versions, the demo organisation, and the things routes point at: the
employee's attempts, scenario runs, review task and certificate, a candidate invited
by the manager, an invitation and a password-reset link. So every request gets past
routing to the access decision (or to the page itself).

Roles (the columns):

    anonymous        nobody signed in
    candidate        candidate@ (onboarding, the mini course assigned)
    employee         employee@ (in manager@'s team; owns the attempts, runs, review and
                     certificate the URLs name)
    manager          manager@, the URL naming someone in their team (employee@, or the
                     candidate they invited)
    manager_outside  (column "out") manager@ again, the URL naming someone outside their
                     tree (finance@, or a candidate someone else invited); only for routes
                     that take a person, a candidate or a certificate ("-" elsewhere)
    admin            admin@
    api              no session, ``Authorization: Bearer <token>`` of an HR-system token

Answers: a status code, ``login`` (a redirect to the sign-in page), ``302`` (a redirect
anywhere else: the form's own page, the result page, ...) or ``-`` (not asked); a key
may list several methods that get the same answers. A POST is sent without a CSRF token
or any data (JSON ``{}`` to the API): an allowed role must get a validation answer or a
redirect back, never a 500, and nothing changes (the last test counts the records).

A denial must not leak: a 401/403/404/sign-in answer never contains the name or e-mail
of the person the URL names.

The same table is then asked of the sample host portal (tests/host/hostapp.py), which
mounts the LMS under /training and signs people in with its own accounts; the few
answers that differ there are declared in ``IN_HOST`` and ``IN_HOST_FOR``.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import create_app
from lms.accounts.models import Person
from lms.db import session
from tests.conftest import app_config, clear_tables, login
from tests.helpers import edited_courses

ROLES = ("anonymous", "candidate", "employee", "manager", "manager_outside", "admin", "api")
PASSWORD = "training-demo"
EMAIL = {
    "candidate": "candidate@example.com",
    "employee": "employee@example.com",
    "manager": "manager@example.com",
    "manager_outside": "manager@example.com",
    "admin": "admin@example.com",
    "sub_manager": "lead@example.com",  # manages sami@ and tara@, inside manager@'s tree
}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
ASK = ("review_due_days: 14", "review_due_days: 14\nacknowledge_policy: true")
POLICY_EDIT = ("Do not argue in public", "Never argue in public")

# URL arguments that name a person (or their candidate record or certificate): these
# routes get the manager_outside column.
PERSONAL_ARGS = {"person_id", "candidate_id", "period_id", "code"}

# fmt: off
ACCESS: dict[str, dict[str, str]] = {
    #                                             anon  cand  empl  mgr   out   admin api
    # --- public pages: the same answer for everyone ---------------------------------------
    "lms.home.healthz":                 {"GET":  "200   200   200   200   -     200   200"},
    "lms.static":                       {"GET":  "200   200   200   200   -     200   200"},
    "static":                           {"GET":  "404   404   404   404   -     404   404"},  # Flask's own; the app has no static folder
    "lms.certification.verify_form":    {"GET":  "200   200   200   200   -     200   200"},
    "lms.certification.verify":         {"GET":  "200   200   200   200   200   200   200"},  # public by design: status, dates, name
    "lms.language.choose":              {"POST": "400   400   400   400   -     400   400"},  # no locale given
    # --- signing in and out: a signed-in visitor of /login goes home; a form without CSRF is refused
    "lms.accounts.login": {
        "GET":                                   "200   302   302   302   -     302   200",
        "POST":                                  "400   302   302   302   -     302   400",  # form sent back, with its errors
    },
    "lms.accounts.logout":              {"POST": "302   302   302   302   -     302   302"},  # no CSRF: home, still signed in
    "lms.accounts.request_reset": {
        "GET":                                   "200   200   200   200   -     200   200",
        "POST":                                  "400   400   400   400   -     400   400",  # form sent back, nothing sent
    },
    "lms.accounts.reset_password": {  # a live reset link
        "GET":                                   "200   200   200   200   -     200   200",
        "POST":                                  "400   400   400   400   -     400   400",
    },
    "lms.candidates.accept": {  # a live invitation link
        "GET":                                   "200   200   200   200   -     200   200",
        "POST":                                  "400   400   400   400   -     400   400",
    },
    # --- the learner's pages: anyone signed in (the candidate has the mini course assigned)
    "lms.home.index":                   {"GET":  "login 200   200   200   -     302   login"},  # admins land on the org report
    "lms.certification.mine":           {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.course":               {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.module":               {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.policy":               {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.acknowledge":          {"POST": "login 422   422   422   -     422   login"},
    "lms.courses.versions":             {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.changes":              {"GET":  "login 200   200   200   -     200   login"},
    "lms.courses.policy_pdf":           {"GET":  "login 200   200   200   -     200   login"},
    "lms.quizzes.assessment": {
        "GET":                                   "login 200   200   200   -     200   login",
        "POST":                                  "login 302   302   302   -     302   login",  # no CSRF: back to the page
    },
    "lms.scenarios.play":               {"GET":  "login 200   200   200   -     200   login"},
    "lms.scenarios.start":              {"POST": "login 302   302   302   -     302   login"},
    # --- one learner's own things (the employee's): nobody else, not even their manager or
    # an admin, learns that they exist
    "lms.quizzes.attempt": {  # submitted: the owner is sent to the result
        "GET":                                   "login 404   302   404   -     404   login",
        "POST":                                  "login 404   302   404   -     404   login",
    },
    "lms.quizzes.result":               {"GET":  "login 404   200   404   -     404   login"},
    "lms.courses.submit_check":         {"POST": "login 404   302   404   -     404   login"},
    "lms.scenarios.run":                {"GET":  "login 404   200   404   -     404   login"},
    "lms.scenarios.choose":             {"POST": "login 404   302   404   -     404   login"},
    "lms.scenarios.debrief":            {"GET":  "login 404   200   404   -     404   login"},
    "lms.certification.review": {
        "GET":                                   "login 404   200   404   -     404   login",
        "POST":                                  "login 404   302   404   -     404   login",
    },
    # --- a certificate: its owner, their managers, admins; anyone else gets "not found"
    "lms.certification.pdf":            {"GET":  "login 404   200   200   404   200   login"},
    "lms.certification.revoke": {  # admins only; a refused form is sent back (400)
        "GET":                                   "login 403   403   403   403   200   login",
        "POST":                                  "login 403   403   403   403   400   login",
    },
    # --- managers and admins; someone outside the manager's tree is "not found"
    "lms.reports.team":                 {"GET":  "login 403   403   200   -     200   login"},
    "lms.reports.team_csv":             {"GET":  "login 403   403   200   -     200   login"},
    "lms.reports.digest_preview":       {"GET":  "login 403   403   200   -     200   login"},
    "lms.reports.assign": {
        "GET":                                   "login 403   403   200   -     200   login",
        "POST":                                  "login 403   403   400   -     400   login",  # form sent back
    },
    "lms.reports.person":               {"GET":  "login 403   403   200   404   200   login"},
    "lms.reports.remind":               {"POST": "login 403   403   302   404   302   login"},
    "lms.candidates.index": {
        "GET":                                   "login 403   403   200   -     200   login",
        "POST":                                  "login 403   403   400   -     400   login",
    },
    "lms.candidates.hire": {
        "GET":                                   "login 403   403   200   404   200   login",
        "POST":                                  "login 403   403   400   404   400   login",
    },
    "lms.candidates.erase": {
        "GET":                                   "login 403   403   200   404   200   login",
        "POST":                                  "login 403   403   400   404   400   login",
    },
    # --- admins only
    "lms.reports.org":                  {"GET":  "login 403   403   403   -     200   login"},
    "lms.reports.org_csv":              {"GET":  "login 403   403   403   -     200   login"},
    # a background export (the manager's, done by the worker): its asker and admins only
    "lms.exports.job":                  {"GET":  "login 403   403   200   -     200   login"},
    "lms.exports.status":               {"GET":  "login 403   403   200   -     200   login"},
    "lms.exports.download":             {"GET":  "login 403   403   200   -     200   login"},
    "lms.audit.index":                  {"GET":  "login 403   403   403   -     200   login"},
    "lms.audit.export":                 {"GET":  "login 403   403   403   -     200   login"},
    # --- the API: a bearer token, never a browser session (an admin's included)
    "lms.api.openapi":                  {"GET":  "200   200   200   200   -     200   200"},  # public
    "lms.api.list_courses":             {"GET":  "401   401   401   401   -     401   200"},
    "lms.api.list_people":              {"GET":  "401   401   401   401   -     401   200"},
    "lms.api.create_person":            {"POST": "401   401   401   401   -     401   422"},  # {} is not a person
    "lms.api.get_person":               {"GET":  "401   401   401   401   401   401   200"},
    "lms.api.update_person":            {"PATCH":"401   401   401   401   401   401   200"},  # {} changes nothing
    "lms.api.list_completions":         {"GET":  "401   401   401   401   -     401   200"},
    "lms.api.list_certifications":      {"GET":  "401   401   401   401   -     401   200"},
    "lms.api.create_assignments":       {"POST": "401   401   401   401   -     401   422"},
    # the API's routing fallbacks: a JSON 405 for another method, a JSON 404 for an unknown path
    "lms.api.method_not_allowed_0":     {"DELETE PATCH POST PUT":      "405 405 405 405 - 405 405"},  # /openapi.json
    "lms.api.method_not_allowed_1":     {"DELETE PATCH POST PUT":      "405 405 405 405 - 405 405"},  # /courses
    "lms.api.method_not_allowed_2":     {"DELETE PATCH PUT":           "405 405 405 405 - 405 405"},  # /people
    "lms.api.method_not_allowed_3":     {"DELETE POST PUT":            "405 405 405 405 405 405 405"},  # /people/<id>
    "lms.api.method_not_allowed_4":     {"DELETE PATCH POST PUT":      "405 405 405 405 - 405 405"},  # /completions
    "lms.api.method_not_allowed_5":     {"DELETE PATCH POST PUT":      "405 405 405 405 - 405 405"},  # /certifications
    "lms.api.method_not_allowed_6":     {"DELETE GET PATCH PUT":       "405 405 405 405 - 405 405"},  # /assignments
    "lms.api.not_found":                {"DELETE GET PATCH POST PUT":  "404 404 404 404 - 404 404"},
}
# fmt: on


def _url_map_rules():
    """(endpoint, method, rule, its arguments) for every rule and method of a freshly built
    standalone app."""
    app = create_app(app_config("sqlite://"))
    return [
        (rule.endpoint, method, rule.rule, tuple(rule.arguments))
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
        for method in sorted(rule.methods - SKIPPED_METHODS)
    ]


RULES = _url_map_rules()


def expected_row(endpoint: str, method: str) -> dict[str, str] | None:
    """The declared answers for one method of one endpoint, by role (None: no entry)."""
    row = next(
        (r for methods, r in ACCESS.get(endpoint, {}).items() if method in methods.split()), None
    )
    if row is None:
        return None
    answers = row.split()
    assert len(answers) == len(ROLES), (endpoint, method, row)
    return dict(zip(ROLES, answers, strict=True))


def _cases():
    for endpoint, method, _rule, _arguments in RULES:
        row = expected_row(endpoint, method)
        if row is None:
            yield pytest.param(endpoint, method, None, id=f"{endpoint}:{method}:no-entry")
            continue
        for role, answer in row.items():
            if answer != "-":
                yield pytest.param(endpoint, method, role, id=f"{endpoint}:{method}:{role}")


# --- the seeded database --------------------------------------------------------------------


def _certify_employee(app, employee_id: int, today: date) -> None:
    from lms.certification import acknowledgements
    from lms.courses.services import latest_version_by_slug
    from tests.certification.test_certification_flow import complete_course

    with app.app_context():
        person = session.get(Person, employee_id)
        acknowledgements.sign_as(person, latest_version_by_slug("mini"), person.name)
    complete_course(app, employee_id, today)  # modules, checks, assessment, scenario


def _certify(app, person_id: int, day: date) -> None:
    from lms.certification import services as certification
    from lms.courses.services import latest_version_by_slug

    with app.app_context():
        version = latest_version_by_slug("mini")
        cycle = certification.cycle_for(person_id, version, day)
        certification.issue_period(person_id, version, cycle, today=day)


def _invite_candidate(app, manager_id: int, today: date) -> tuple[int, str]:
    from lms.candidates import services as candidates
    from lms.courses.services import latest_version_by_slug

    with app.app_context():
        course_id = latest_version_by_slug("mini").course_id
        manager = session.get(Person, manager_id)
        person, url = candidates.invite(
            "nora@example.com", "Nora Newhire", [course_id], today + timedelta(days=14), by=manager
        )
        return person.id, urlsplit(url).path.rsplit("/", 1)[1]


def _reset_token(app, email: str) -> str:
    from lms.people import passwords
    from tests.outbox.helpers import deliver_mail

    with app.app_context():
        passwords.request_reset(email)
    (mail,) = [m for m in deliver_mail(app) if "new password" in m.subject]
    return re.search(r"/password-reset/(\S+)", mail.text).group(1)


def _certificate(app, person_id: int) -> tuple[int, str]:
    from lms.certification.models import CertificationPeriod

    with app.app_context():
        period = session.scalar(
            select(CertificationPeriod).where(CertificationPeriod.person_id == person_id)
        )
        return period.id, period.code


def _owned(app, person_id: int) -> dict:
    """The ids of the attempts, scenario runs (a finished one, an open one) and review
    task a learner owns."""
    from lms.certification.models import ReviewTask
    from lms.courses.services import latest_version_by_slug
    from lms.courses.structure import modules_of
    from lms.quizzes import services as quizzes
    from lms.quizzes.models import Attempt
    from lms.scenarios import services as scenarios
    from lms.scenarios.models import ScenarioRun

    with app.app_context():
        attempts = session.scalars(select(Attempt).where(Attempt.person_id == person_id)).all()
        finished = session.scalar(select(ScenarioRun).where(ScenarioRun.person_id == person_id))
        version = latest_version_by_slug("mini")
        row = scenarios.scenario_for(version, "complaint")
        extra = latest_version_by_slug("extra")
        basics = next(m for m in modules_of(extra) if m.key == "basics")
        return {
            # The same module of "extra": an attempt answers only under its own course.
            "extra_check_attempt": quizzes.check_for(person_id, extra, basics).id,
            "final_attempt": next(a.id for a in attempts if a.kind != "check"),
            "check_attempt": next(a.id for a in attempts if a.module_key == "basics"),
            "finished_run": finished.id,
            "open_run": scenarios.start_run(person_id, version, row).id,
            "task_id": session.scalar(
                select(ReviewTask.id).where(ReviewTask.person_id == person_id)
            ),
        }


def _export_job(manager_id: int, today: date) -> int:
    """A background export of the manager's team report, run by the outbox worker."""
    from lms import outbox
    from lms.reports import export_jobs, queries

    wanted = export_jobs.ExportRequest(
        report="team",
        scope=queries.Scope(manager_id=manager_id),
        filters=queries.Filters(),
        today=today,
        excel=False,
        locale="en",
        filename=f"team-report-{today.isoformat()}.csv",
    )
    job_id = export_jobs.request_export(manager_id, wanted)
    assert outbox.run(kinds=("export",)).delivered == {"export": 1}
    return job_id


EXTRA_TITLE = "Extra policy course"


def _courses(root: Path, edits: dict) -> Path:
    """The fixture courses with ``edits``, plus "extra": a copy of mini that nobody
    assigns to the candidate."""
    root = edited_courses(root, edits)
    shutil.copytree(root / "mini", root / "extra")
    yaml = root / "extra" / "course.yaml"
    text = yaml.read_text().replace("id: mini", "id: extra", 1)
    yaml.write_text(text.replace("title: Mini policy course", f"title: {EXTRA_TITLE}", 1))
    return root


def seed(app, tmp_path) -> SimpleNamespace:
    """The mini course (v1, then v2 with a changed policy), the demo organisation and what
    the routes point at."""
    from lms.api.auth import create_token
    from lms.courses.sync import sync_courses
    from lms.demo import load_demo

    today = date.today()
    app.config["LMS_DEMO_COURSE"] = "mini"
    with app.app_context():
        assert not sync_courses(_courses(tmp_path / "v1", {"mini/course.yaml": [ASK]}))[1]
        load_demo(PASSWORD)
        ids = {p.email: p.id for p in session.scalars(select(Person))}
    _certify_employee(app, ids["employee@example.com"], today)
    _certify(app, ids["finance@example.com"], today - timedelta(days=20))
    v2 = _courses(tmp_path / "v2", {"mini/course.yaml": [ASK], "mini/policy.md": [POLICY_EDIT]})
    with app.app_context():
        assert not sync_courses(v2)[1]  # review tasks for everyone certified on v1
    candidate_id, invite_token = _invite_candidate(app, ids["manager@example.com"], today)
    owned = _owned(app, ids["employee@example.com"])
    employee_period, employee_code = _certificate(app, ids["employee@example.com"])
    finance_period, finance_code = _certificate(app, ids["finance@example.com"])
    with app.app_context():
        _row, api_token = create_token("HR system")
        export_job = _export_job(ids["manager@example.com"], today)
    common = {
        "slug": "mini",
        "number": 2,
        "filename": "lms.css",
        "rest": "no-such-operation",
        "invite_token": invite_token,
        "reset_token": _reset_token(app, "tara@example.com"),
        "module": "basics",
        "scenario": "complaint",
        "job_id": export_job,
        **owned,
    }
    return SimpleNamespace(
        ids=ids,
        api_token=api_token,
        team={
            **common,
            "person_id": ids["employee@example.com"],
            "candidate_id": candidate_id,
            "period_id": employee_period,
            "code": employee_code,
            "names": ("Erik Employee", "employee@example.com", "Nora Newhire", "nora@example.com"),
        },
        outside={
            **common,
            "person_id": ids["finance@example.com"],
            "candidate_id": ids["candidate@example.com"],
            "period_id": finance_period,
            "code": finance_code,
            "names": ("Frank Finance", "finance@example.com", "Cara Candidate"),
        },
    )


def records(app) -> dict:
    """What a refused or invalid form must never change: people, assignments,
    certificates, signatures, reviews, invitations."""
    from sqlalchemy import func

    from lms.accounts.models import Invite, PasswordReset
    from lms.certification.models import (
        Assignment,
        CertificationPeriod,
        PolicyAcknowledgement,
        ReviewTask,
    )

    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))

    with app.app_context():
        return {
            "people": sorted(session.execute(select(Person.email, Person.role, Person.status))),
            "assignments": count(Assignment),
            "live certificates": count(
                CertificationPeriod, CertificationPeriod.revoked_on.is_(None)
            ),
            "acknowledgements": count(PolicyAcknowledgement),
            "reviews done": count(ReviewTask, ReviewTask.acknowledged_at.is_not(None)),
            "invites used": count(Invite, Invite.used_at.is_not(None)),
            "reset links used": count(PasswordReset, PasswordReset.used_at.is_not(None)),
        }


@pytest.fixture(scope="module")
def world(module_database, tmp_path_factory):
    """One app on one seeded database for the whole module, and a signed-in session
    cookie per role (each test starts a fresh client from it)."""
    app = create_app(app_config(module_database.url))
    try:
        data = seed(app, tmp_path_factory.mktemp("courses"))
        data.app = app
        data.records = records(app)
        data.cookies = {}
        for role, email in EMAIL.items():
            client = app.test_client()
            assert login(client, email, PASSWORD).status_code == 302, role
            data.cookies[role] = {
                name: client.get_cookie(name).value
                for name in ("session", "remember_token")
                if client.get_cookie(name) is not None
            }
        yield data
    finally:
        with app.app_context():
            clear_tables(app)
            app.extensions["sqlalchemy"].engine.dispose()


def client_for(world, role: str):
    client = world.app.test_client()
    for name, value in world.cookies.get(role, {}).items():
        client.set_cookie(name, value)
    return client


# --- building and sending the request -------------------------------------------------------

# Arguments whose value depends on the route: (endpoint prefix, argument) -> seed key.
BY_ROUTE = {
    ("lms.courses.", "key"): "module",
    ("lms.scenarios.", "key"): "scenario",
    ("lms.quizzes.", "attempt_id"): "final_attempt",
    ("lms.courses.", "attempt_id"): "check_attempt",
    ("lms.scenarios.debrief", "run_id"): "finished_run",
    ("lms.scenarios.", "run_id"): "open_run",
    ("lms.candidates.", "token"): "invite_token",
    ("lms.accounts.", "token"): "reset_token",
}


def url_values(endpoint: str, arguments, values: dict) -> dict:
    out = {}
    for name in arguments:
        key = next(
            (
                k
                for (prefix, arg), k in BY_ROUTE.items()
                if arg == name and endpoint.startswith(prefix)
            ),
            name,
        )
        out[name] = values[key]
    return out


def send(world, endpoint: str, method: str, role: str):
    """The request a role makes on the route, with the seeded ids; (response, names the URL
    points at)."""
    rule = next(r for r in RULES if r[0] == endpoint and r[1] == method)
    values = world.outside if role == "manager_outside" else world.team
    adapter = world.app.url_map.bind("lms.test")
    url = adapter.build(endpoint, url_values(endpoint, rule[3], values), method=method)
    client = client_for(world, role)
    headers = {"Authorization": f"Bearer {world.api_token}"} if role == "api" else {}
    if method == "GET":
        response = client.get(url, headers=headers)
    elif url.startswith("/api/"):
        response = client.open(url, method=method, json={}, headers=headers)
    else:
        response = client.open(url, method=method, data={}, headers=headers)
    # Read and close: a streamed answer (the CSV exports) keeps its request context pushed
    # until it is closed, and the next request would run inside it (as the same person).
    response.get_data()
    response.close()
    return response, values["names"]


def answer_of(response, sign_in: str = "/login") -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers["Location"]).path
        return "login" if location == sign_in else "302"
    return str(response.status_code)


DENIED = {"login", "401", "403", "404"}


@pytest.mark.parametrize("endpoint,method,role", list(_cases()))
def test_every_route_answers_each_role_as_declared(world, endpoint, method, role):
    assert role is not None, f"{endpoint} {method}: no entry in ACCESS"
    expected = expected_row(endpoint, method)[role]
    response, names = send(world, endpoint, method, role)
    assert answer_of(response) == expected, response.get_data(as_text=True)[:500]
    if expected in DENIED:
        body = response.get_data(as_text=True)
        own = EMAIL.get(role)
        leaked = [n for n in names if n in body and not _is_viewer(world, role, n, own)]
        assert not leaked, f"a denied answer names {leaked}"


def _is_viewer(world, role, name, own_email) -> bool:
    viewer = {"candidate": "Cara Candidate", "employee": "Erik Employee"}.get(role)
    return name in (viewer, own_email)


def test_the_table_declares_only_routes_and_methods_that_exist():
    served = {}
    for endpoint, method, _rule, arguments in RULES:
        served.setdefault(endpoint, (set(), arguments))[0].add(method)
    unknown = sorted(set(ACCESS) - set(served))
    assert not unknown, f"ACCESS names endpoints the app does not have: {unknown}"
    for endpoint, rows in ACCESS.items():
        methods, arguments = served[endpoint]
        declared = [m for key in rows for m in key.split()]
        assert sorted(declared) == sorted(methods), (endpoint, declared, methods)
        personal = bool(set(arguments) & PERSONAL_ARGS)
        for method in methods:
            outside = expected_row(endpoint, method)["manager_outside"]
            assert (outside != "-") == personal, (
                f"{endpoint} {method}: manager_outside is declared exactly for the routes "
                f"that take a person, a candidate or a certificate"
            )


COURSE_ROUTES = [
    pytest.param(endpoint, method, id=f"{endpoint}:{method}")
    for endpoint, method, _rule, arguments in RULES
    if "slug" in arguments
]


@pytest.mark.parametrize("endpoint,method", COURSE_ROUTES)
def test_a_candidate_never_learns_of_a_course_outside_their_onboarding(world, endpoint, method):
    """Every course route, for "extra" (not assigned to the candidate): the candidate
    gets the 404 of a course that does not exist; an employee gets past it."""
    values = {**world.team, "slug": "extra", "check_attempt": world.team["extra_check_attempt"]}
    rule = next(r for r in RULES if r[0] == endpoint and r[1] == method)
    url = world.app.url_map.bind("lms.test").build(
        endpoint, url_values(endpoint, rule[3], values), method=method
    )
    answers = {}
    for role in ("candidate", "employee"):
        with client_for(world, role).open(url, method=method, data={}) as response:
            answers[role] = response.status_code
            if role == "candidate":
                body = response.get_data(as_text=True)
                assert EXTRA_TITLE not in body, "the 404 names the course"
            elif endpoint == "lms.courses.course":  # the title the 404 must not show
                assert EXTRA_TITLE in response.get_data(as_text=True)
    assert answers["candidate"] == 404
    assert answers["employee"] != 404, answers


# --- the reporting tree, two levels deep (manager@ -> lead@ -> sami@, tara@) ---------------

PEOPLE_CASES = [
    ("manager", "sami@example.com", 200),  # in the tree, two levels down
    ("manager", "lead@example.com", 200),
    ("manager", "finance@example.com", 404),  # another department's person
    ("manager", "admin@example.com", 404),
    ("sub_manager", "sami@example.com", 200),
    ("sub_manager", "alice@example.com", 404),  # a peer's report: not theirs
    ("sub_manager", "manager@example.com", 404),  # their own manager
    ("admin", "finance@example.com", 200),
    ("employee", "alice@example.com", 403),
    ("candidate", "alice@example.com", 403),
]


@pytest.mark.parametrize(
    "role,target,expected", PEOPLE_CASES, ids=[f"{r}->{t}" for r, t, _ in PEOPLE_CASES]
)
def test_person_pages_follow_the_tree(world, role, target, expected):
    client = client_for(world, role)
    assert client.get(f"/reports/people/{world.ids[target]}").status_code == expected


def test_guessing_an_id_looks_the_same_as_a_missing_one(world):
    client = client_for(world, "sub_manager")
    outside = client.get(f"/reports/people/{world.ids['finance@example.com']}")
    missing = client.get("/reports/people/999999")
    assert outside.status_code == missing.status_code == 404
    # The only difference is the address itself (the language switcher returns to it).
    assert outside.get_data(as_text=True).replace(
        str(world.ids["finance@example.com"]), "X"
    ) == missing.get_data(as_text=True).replace("999999", "X")


# Who a manager's lists must never name: people outside their tree, candidates that are
# not theirs.
OUTSIDERS = {
    "manager": ("Frank Finance", "finance@example.com", "Cara Candidate", "Ada Admin"),
    "sub_manager": ("Frank Finance", "Cara Candidate", "Alice Andersen", "alice@example.com"),
}
SCOPED_PAGES = [
    "/reports/team",
    "/reports/team.csv",
    "/reports/digest",
    "/reports/assign",
    "/reports/assign?q=a",  # the person picker's search
    "/reports/team?q=frank",
    "/candidates/",
]


@pytest.mark.parametrize("path", SCOPED_PAGES)
@pytest.mark.parametrize("role", sorted(OUTSIDERS))
def test_a_managers_lists_name_only_their_tree(world, role, path):
    with client_for(world, role).get(path) as response:
        text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not [name for name in OUTSIDERS[role] if name in text]
    if path in ("/reports/team", "/reports/team.csv"):
        assert "Sami Virtanen" in text  # two levels down for manager@, direct for lead@


def test_a_revoked_token_opens_nothing(world):
    from lms.api.auth import create_token, revoke_token

    with world.app.app_context():
        token, plaintext = create_token("old HR system")
        token_id = token.id
    client = world.app.test_client()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 200
    with world.app.app_context():
        revoke_token(token_id)
    for path in ("/api/v1/people", "/api/v1/courses"):
        assert client.get(path, headers=headers).status_code == 401, path
    assert answer_of(client.get("/reports/org.csv", headers=headers)) == "login"


# --- the same LMS in a host portal, under /training ----------------------------------------

HOST_PREFIX = "/training"
# Standalone only: a host signs people in (and resets their passwords) itself.
STANDALONE_ONLY = {
    "lms.accounts.login",
    "lms.accounts.logout",
    "lms.accounts.request_reset",
    "lms.accounts.reset_password",
}
# Answers that differ in the host, and why.
IN_HOST = {
    ("lms.candidates.accept", "GET"): "404",  # the host's own accounts replace invitations
}
IN_HOST_FOR = {
    # The portal has its own start page: an admin's LMS home is their training, not the
    # organisation report (they may well be learners first).
    ("lms.home.index", "GET", "admin"): "200",
}


HOST_USERS = ("candidate", "employee", "manager", "admin")


@pytest.fixture(scope="module")
def portal(world):
    """The sample portal embedding the LMS, on the module's seeded database, with a
    portal account for each signed-in role (linked to the LMS person by e-mail; the
    LMS keeps its roles: ``LMS_SYNC_PROFILE`` is off) and its session cookie."""
    from tests.host.conftest import sign_in
    from tests.host.hostapp import HostUser, create_host_app, db

    host = create_host_app(
        app_config(world.app.config["SQLALCHEMY_DATABASE_URI"], LMS_SYNC_PROFILE=False)
    )
    with host.app_context():
        db.create_all()  # the portal's own tables
        db.session.add_all(
            HostUser(username=role, mail=EMAIL[role], is_hr=role == "admin") for role in HOST_USERS
        )
        db.session.commit()
    host.cookies = {}
    for role in HOST_USERS:
        client = host.test_client()
        assert sign_in(client, role).status_code == 302, role
        host.cookies[role] = {"session": client.get_cookie("session").value}
    host.cookies["manager_outside"] = host.cookies["manager"]
    try:
        yield host
    finally:
        with host.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_the_host_mounts_every_lms_route_under_its_prefix():
    from tests.host.hostapp import create_host_app

    host = create_host_app(app_config("sqlite://"))
    mounted = {
        (r.endpoint, r.rule, frozenset(r.methods))
        for r in host.url_map.iter_rules()
        if r.endpoint.startswith("lms.")
    }
    standalone = {
        (r.endpoint, HOST_PREFIX + r.rule, frozenset(r.methods))
        for r in create_app(app_config("sqlite://")).url_map.iter_rules()
        if r.endpoint.startswith("lms.") and r.endpoint not in STANDALONE_ONLY
    }
    assert mounted == standalone


def host_expected(endpoint: str, method: str, role: str) -> str:
    """The standalone answer, as the portal gives it: its own sign-in page, and its
    CSRFProtect refusing (400) any form posted without the portal's token before an LMS
    view runs (the JSON API takes no forms: it is exempt)."""
    if (endpoint, method) in IN_HOST:
        return IN_HOST[(endpoint, method)]
    if (endpoint, method, role) in IN_HOST_FOR:
        return IN_HOST_FOR[(endpoint, method, role)]
    answer = expected_row(endpoint, method)[role]
    if method != "GET" and not endpoint.startswith("lms.api."):
        return "400"
    return answer


HOST_CASES = [
    pytest.param(endpoint, method, role, id=f"{endpoint}:{method}:{role}")
    for endpoint, method, _rule, _args in RULES
    if endpoint not in STANDALONE_ONLY and expected_row(endpoint, method)
    for role, answer in expected_row(endpoint, method).items()
    if answer != "-"
]


@pytest.mark.parametrize("endpoint,method,role", HOST_CASES)
def test_in_the_host_every_role_gets_the_same_answers(world, portal, endpoint, method, role):
    """Signed in through the portal (its identity hook says who they are), each role gets
    the standalone answer on the LMS under /training, denials leaking nothing."""
    rule = next(r for r in RULES if r[0] == endpoint and r[1] == method)
    values = world.outside if role == "manager_outside" else world.team
    url = HOST_PREFIX + world.app.url_map.bind("lms.test").build(
        endpoint, url_values(endpoint, rule[3], values), method=method
    )
    client = portal.test_client()
    for name, value in portal.cookies.get(role, {}).items():
        client.set_cookie(name, value)
    headers = {"Authorization": f"Bearer {world.api_token}"} if role == "api" else {}
    body = {"json": {}} if "/api/" in url and method != "GET" else {}
    with client.open(url, method=method, headers=headers, **body) as response:
        text = response.get_data(as_text=not response.mimetype.endswith("pdf"))
        expected = host_expected(endpoint, method, role)
        assert answer_of(response, sign_in="/sign-in") == expected, str(text)[:300]
    if expected in DENIED:
        own = EMAIL.get(role)
        leaked = [n for n in values["names"] if n in text and not _is_viewer(world, role, n, own)]
        assert not leaked, f"a denied answer names {leaked}"


def test_zz_nothing_the_matrix_sent_changed_a_record(world):
    """Runs last in the module (pytest keeps file order): every refused or invalid
    request above left the records as the seed made them."""
    assert records(world.app) == world.records
