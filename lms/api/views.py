"""The JSON API for HR systems, under ``{prefix}/api/v1`` (see ``openapi.py`` for the contract).

Views are thin: they validate the query string or body explicitly (``validation``),
call ``services`` and return JSON. Every operation except the OpenAPI document needs a
bearer token (``auth``); session cookies are never looked at.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from lms.accounts.models import ROLES, Person
from lms.accounts.models import STATUSES as PERSON_STATUSES
from lms.accounts.services import find_by_email, normalise_email
from lms.api import errors, services
from lms.api.auth import token_from_request
from lms.api.errors import Conflict, Invalid, NotFound
from lms.api.openapi import (
    DEPARTMENT_MAX,
    EMAIL_MAX,
    NAME_MAX,
    SEARCH_MAX,
    SETTABLE_PERSON_STATUSES,
    SLUG_MAX,
    WITHIN_DAYS,
    build_document,
)
from lms.api.validation import MAX_ID, MISSING, Body, Query, is_id, json_body, text_problem
from lms.certification.models import REASONS
from lms.clock import today
from lms.db import session
from lms.domain.assigning import due_date_problem
from lms.domain.certification import STATUSES
from lms.reports.queries import Filters, Scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.register(bp)

#: Endpoints served without a token: the OpenAPI document, and the JSON 404/405 answers.
_PUBLIC: set[str] = set()


def public(view):
    _PUBLIC.add(view.__name__)
    return view


@bp.before_request
def _authenticate():
    if request.method == "OPTIONS":
        return _options()
    endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
    if endpoint not in _PUBLIC:
        token_from_request()
    return None


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Authorization")
    return response


def _page(result: services.Page):
    return jsonify(result.envelope())


# --- OpenAPI ------------------------------------------------------------------------------

@bp.get("/openapi.json")
@public
def openapi():
    base = url_for(".openapi").rsplit("/", 1)[0]
    response = jsonify(build_document(base))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- courses ------------------------------------------------------------------------------

@bp.get("/courses")
def list_courses():
    query = Query()
    page, per_page = query.page()
    query.done()
    return _page(services.courses(page, per_page))


# --- people -------------------------------------------------------------------------------

def _person_or_404(person_id: int) -> Person:
    person = session.get(Person, person_id) if person_id <= MAX_ID else None
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


@bp.get("/people")
def list_people():
    query = Query()
    department = query.string("department", max_length=DEPARTMENT_MAX)
    role = query.choice("role", ROLES)
    email = query.string("email", max_length=EMAIL_MAX)
    status = query.choice("status", PERSON_STATUSES)
    page, per_page = query.page()
    query.done()
    return _page(services.people(page, per_page, department=department, role=role, email=email,
                                 status=status))


@bp.get("/people/<int:person_id>")
def get_person(person_id: int):
    return jsonify(services.person_json(_person_or_404(person_id)))


def _email_problem(address: str) -> str | None:
    from lms.accounts.emails import check_email

    try:
        check_email(address)
    except ValueError as exc:
        return f"not a valid e-mail address: {str(exc).split(': ', 1)[-1]}"
    return None


def _raise_problem(problem: services.PersonProblem):
    if problem.conflict:
        raise Conflict(str(problem), fields=problem.fields)
    raise Invalid(problem.fields)


def _check_manager_email(body) -> None:
    """``manager_email`` is an e-mail address or null ("" is neither: the schema says e-mail)."""
    raw = body.data.get("manager_email")
    problem = _email_problem(normalise_email(raw)) if isinstance(raw, str) else None
    if problem and "manager_email" not in body.errors:
        body.errors["manager_email"] = problem


@bp.post("/people")
def create_person():
    body = Body(json_body(), ("email", "name", "role", "department", "manager_email"))
    email = body.string("email", required=True, max_length=EMAIL_MAX)
    name = body.string("name", required=True, max_length=NAME_MAX)
    role = body.choice("role", ROLES)
    department = body.string("department", nullable=True, max_length=DEPARTMENT_MAX)
    manager_email = body.string("manager_email", nullable=True, max_length=EMAIL_MAX)
    if email is not MISSING and (problem := _email_problem(email.lower())):
        body.errors["email"] = problem
    _check_manager_email(body)
    body.done()
    try:
        person = services.create_person(
            email=email, name=name, role="employee" if role is MISSING else role,
            department=None if department is MISSING else department,
            manager_email=None if manager_email is MISSING else manager_email,
        )
    except services.PersonProblem as problem:
        _raise_problem(problem)
    response = jsonify(services.person_json(person))
    response.status_code = 201
    response.headers["Location"] = url_for(".get_person", person_id=person.id)
    return response


@bp.patch("/people/<int:person_id>")
def update_person(person_id: int):
    person = _person_or_404(person_id)
    body = Body(json_body(), ("name", "role", "department", "manager_email", "status"))
    values = {
        "name": body.string("name", max_length=NAME_MAX),
        "role": body.choice("role", ROLES),
        "department": body.string("department", nullable=True, max_length=DEPARTMENT_MAX),
        "manager_email": body.string("manager_email", nullable=True, max_length=EMAIL_MAX),
        "status": body.choice("status", SETTABLE_PERSON_STATUSES),
    }
    _check_manager_email(body)
    body.done()
    try:
        services.update_person(person, {k: v for k, v in values.items() if v is not MISSING})
    except services.PersonProblem as problem:
        session.rollback()
        _raise_problem(problem)
    return jsonify(services.person_json(person))


# --- completions and certifications --------------------------------------------------------

def _course_id(query_or_body, slug: str | None) -> int | None:
    if slug is None:
        return None
    course = services.course_by_slug(slug)
    if course is None:
        query_or_body.errors["course"] = f"no course with slug {slug!r}"
        return None
    return course.id


@bp.get("/completions")
def list_completions():
    query = Query()
    status = query.choice("status", STATUSES)
    course = query.string("course", max_length=SLUG_MAX)
    department = query.string("department", max_length=DEPARTMENT_MAX)
    within_days = query.integer("within_days", choices=WITHIN_DAYS)
    manager_email = query.string("manager_email", max_length=EMAIL_MAX)
    direct_only = query.boolean("direct_only")
    search = query.string("search", max_length=SEARCH_MAX)
    page, per_page = query.page()
    _course_id(query, course)
    scope = Scope()
    if manager_email is not None:
        manager = find_by_email(manager_email)
        if manager is None:
            query.errors["manager_email"] = "no person with this e-mail address"
        else:
            scope = Scope(manager_id=manager.id)
    elif direct_only:
        query.errors["direct_only"] = "needs manager_email"
    query.done()
    filters = Filters(status=status, course=course, department=department, within_days=within_days,
                      direct_only=direct_only, search=search, page=page, per_page=per_page)
    return _page(services.completions(scope, today(), filters, page, per_page))


@bp.get("/certifications")
def list_certifications():
    query = Query()
    course = query.string("course", max_length=SLUG_MAX)
    email = query.string("email", max_length=EMAIL_MAX)
    valid_on = query.date("valid_on")
    page, per_page = query.page()
    course_id = _course_id(query, course)
    query.done()
    return _page(services.certifications(today(), page, per_page, course_id=course_id,
                                         person_email=email, valid_on=valid_on))


# --- assignments --------------------------------------------------------------------------

@bp.post("/assignments")
def create_assignments():
    """Assign a course; 201 when anyone got a new assignment, 200 when nobody needed one."""
    body = Body(json_body(), ("course", "people", "reason", "due_on", "reassign"))
    slug = body.string("course", required=True, max_length=SLUG_MAX)
    reason = body.choice("reason", REASONS)
    due_on = body.date("due_on")
    reassign = body.boolean("reassign", default=False)
    refs = body.data.get("people", MISSING)
    if refs is MISSING:
        body.errors["people"] = "is required"
    elif not isinstance(refs, list) or not 1 <= len(refs) <= 1000:
        body.errors["people"] = "must be a list of 1 to 1000 person ids or e-mail addresses"
    elif bad := [i for i, r in enumerate(refs) if not (is_id(r) or _is_email_ref(r))]:
        body.errors["people"] = f"item {bad[0]} is neither a person id nor an e-mail address"
    if due_on not in (MISSING, None) and (problem := due_date_problem(due_on, today())):
        body.errors["due_on"] = problem
    course = services.course_by_slug(slug) if slug is not MISSING else None
    if slug is not MISSING and course is None:
        body.errors["course"] = f"no course with slug {slug!r}"
    body.done()
    person_ids, unknown = services.resolve_people(refs)
    if unknown:
        raise Invalid({"people": f"no such person: {', '.join(unknown[:20])}"})
    reason = "manual" if reason is MISSING else reason
    due_on = None if due_on is MISSING else due_on
    outcome = services.assign(course, person_ids, reason=reason, due_on=due_on, reassign=reassign)
    response = jsonify({"count": outcome["count"], "course": slug, "person_ids": person_ids, "reason": reason,
                        "due_on": due_on.isoformat() if due_on else None, "reassign": reassign,
                        "summary": outcome["summary"], "results": outcome["results"]})
    response.status_code = 201 if outcome["count"] else 200
    return response


def _is_email_ref(value) -> bool:
    return (isinstance(value, str) and text_problem(value, EMAIL_MAX) is None
            and _email_problem(normalise_email(value)) is None)


# --- JSON 404/405 for API paths, in a host app too ------------------------------------------
# Routing errors happen before a blueprint is chosen, so the host's error pages would
# answer them. These rules keep them inside the API: a wrong method gets a JSON 405 with
# ``Allow``, an unknown path (or a non-numeric id) a JSON 404.

ROUTES: dict[str, tuple[str, ...]] = {
    "/openapi.json": ("GET",),
    "/courses": ("GET",),
    "/people": ("GET", "POST"),
    "/people/<int:person_id>": ("GET", "PATCH"),
    "/completions": ("GET",),
    "/certifications": ("GET",),
    "/assignments": ("POST",),
}
_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allow_header(allowed: tuple[str, ...]) -> str:
    return ", ".join((*allowed, "HEAD", "OPTIONS") if "GET" in allowed else (*allowed, "OPTIONS"))


def _options():
    """OPTIONS lists the methods of the operation (no token needed, nothing else revealed)."""
    rule = request.url_rule.rule if request.url_rule else ""
    path = rule[rule.rfind(bp.url_prefix) + len(bp.url_prefix):] if bp.url_prefix in rule else rule
    if path not in ROUTES:
        raise NotFound("no such API operation")
    response = current_app.response_class(status=204)
    response.headers["Allow"] = _allow_header(ROUTES[path])
    return response


def _method_not_allowed_view(allowed: tuple[str, ...]):
    allow = _allow_header(allowed)

    def method_not_allowed(**_kwargs):
        raise errors.ApiError(405, f"{request.method} is not allowed here", headers={"Allow": allow})

    return method_not_allowed


def not_found(**_kwargs):
    raise NotFound("no such API operation")


for _number, (_path, _methods) in enumerate(ROUTES.items()):
    _endpoint = f"method_not_allowed_{_number}"
    _PUBLIC.add(_endpoint)
    bp.add_url_rule(_path, endpoint=_endpoint, view_func=_method_not_allowed_view(_methods),
                    methods=[m for m in _ALL_METHODS if m not in _methods])
_PUBLIC.add("not_found")
bp.add_url_rule("/<path:rest>", endpoint="not_found", view_func=not_found, methods=_ALL_METHODS)
