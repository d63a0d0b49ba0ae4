"""The JSON API for HR systems, under ``{prefix}/api/v1``.

Each view is one entry of the contract (``contract.Api.operation``): the registry
validates the query string or body against the declared model before the view runs,
and serialises the model the view returns. Views only call ``services``. Every
operation except the OpenAPI document needs a bearer token (``auth``); session
cookies are never looked at.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for

from lms.api import errors, services
from lms.api import schemas as s
from lms.api.auth import current_actor, token_from_request
from lms.api.contract import Api, Reply
from lms.api.openapi import build_document
from lms.clock import today

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.register(bp)
api = Api(bp, exists=services.exists)


@bp.before_request
def _authenticate():
    endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
    if request.method == "OPTIONS":
        return api.options(endpoint)
    if not api.is_public(endpoint):
        token_from_request()
    return None


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Authorization")
    return response


@api.operation(
    "GET",
    "/openapi.json",
    auth="public",
    response=None,
    documented=False,
    summary="This document.",
    responses="The OpenAPI document.",
)
def openapi() -> Reply:
    base = url_for(".openapi").rsplit("/", 1)[0]
    return Reply(build_document(api, base), 200, {"Cache-Control": "public, max-age=300"})


@api.operation(
    "GET",
    "/courses",
    query=s.PageQuery,
    response=s.CourseList,
    summary="Courses, with the title and number of their newest version (by id).",
    responses="A page of courses.",
)
def list_courses(query: s.PageQuery) -> s.CourseList:
    return services.courses(query)


@api.operation(
    "GET",
    "/people",
    query=s.PeopleQuery,
    response=s.PersonList,
    summary="People, by id.",
    responses="A page of people.",
)
def list_people(query: s.PeopleQuery) -> s.PersonList:
    return services.people(query)


@api.operation(
    "POST",
    "/people",
    body=s.PersonCreate,
    response=s.Person,
    errors=(409,),
    summary="Create a person (no password: they sign in through the portal or an invite).",
    responses={201: "Created."},
    headers={201: {"Location": "URL of the new person."}},
)
def create_person(body: s.PersonCreate) -> Reply:
    person = services.create_person(body, current_actor())
    return Reply(person, 201, {"Location": url_for(".get_person", person_id=person.id)})


@api.operation(
    "GET",
    "/people/<int:person_id>",
    response=s.Person,
    summary="One person.",
    responses="The person.",
)
def get_person(person_id: int) -> s.Person:
    return services.person(person_id)


@api.operation(
    "PATCH",
    "/people/<int:person_id>",
    body=s.PersonUpdate,
    response=s.Person,
    found=services.require_person,
    errors=(409,),
    summary="Change a person's name, role, department, manager or status.",
    responses="The updated person.",
)
def update_person(person_id: int, body: s.PersonUpdate) -> s.Person:
    return services.update_person(person_id, body.model_dump(exclude_unset=True), current_actor())


@api.operation(
    "GET",
    "/completions",
    query=s.CompletionQuery,
    response=s.CompletionList,
    summary="Status of every (person, course) pair today: the reports' table and filters.",
    description="Covers active and invited people, ordered by person id then course slug.",
    responses="A page of completion rows.",
)
def list_completions(query: s.CompletionQuery) -> s.CompletionList:
    return services.completions(query, today())


@api.operation(
    "GET",
    "/certifications",
    query=s.CertificationQuery,
    response=s.CertificationList,
    summary="Certification periods (every cycle, renewals and revoked ones included), by id.",
    responses="A page of certification periods.",
)
def list_certifications(query: s.CertificationQuery) -> s.CertificationList:
    return services.certifications(query, today())


@api.operation(
    "POST",
    "/assignments",
    body=s.AssignmentCreate,
    response=s.AssignmentResult,
    summary="Assign a course to people; existing assignments and due dates are never changed.",
    responses={
        201: "At least one person got a new assignment.",
        200: "Nobody needed one (all already assigned or certified).",
    },
)
def create_assignments(body: s.AssignmentCreate) -> Reply:
    """201 when anyone got a new assignment, 200 when nobody needed one."""
    result = services.assign(body, current_actor())
    return Reply(result, 201 if result.count else 200)
