"""The OpenAPI 3.0.3 document of the API, served at ``{prefix}/api/v1/openapi.json``.

Built from the same constants the views validate with (roles, statuses, reasons, page
limits), so the document and the implementation cannot drift apart silently; the test
suite also runs schemathesis against it.
"""

from __future__ import annotations

from typing import Any

from lms.accounts.models import ROLES
from lms.accounts.models import STATUSES as PERSON_STATUSES
from lms.api.schemas import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from lms.certification.models import REASONS
from lms.db import MAX_ID
from lms.domain.assigning import OUTCOMES as ASSIGN_OUTCOMES
from lms.domain.certification import STATUSES

WITHIN_DAYS = (30, 60, 90)
#: Person statuses the API may set (invited and erased come from their own flows).
SETTABLE_PERSON_STATUSES = ("active", "inactive")
EMAIL_MAX = 254
NAME_MAX = 200
DEPARTMENT_MAX = 120
SLUG_MAX = 100
SEARCH_MAX = 100

DESCRIPTION = """\
JSON API of the training LMS for HR systems.

**Authentication.** Every operation needs `Authorization: Bearer <token>`. Admins create
tokens with `flask lms create-token NAME` (shown once, stored hashed) and revoke them with
`flask lms revoke-token ID`. A token acts as an **admin-level integration**: it reads the
whole organisation and may create and update people and assign courses; the audit trail
names the token for every change. Session cookies are never accepted.

**Errors** are JSON: `{"error": {"code": 422, "message": "...", "fields": {"email": "..."}}}`
(`fields` only for validation errors). 400: the body is not valid JSON; 401: missing, invalid
or revoked token; 404: unknown id; 409: conflict (duplicate e-mail); 415: the body is not
`application/json`; 422: a parameter or field is wrong.

**Lists** are paginated with `page` (from 1) and `per_page` (1-200, default 50) and return
`{"data": [...], "page": n, "per_page": n, "total": n}`.

**Completions** are the reports' status table: one row per person and course, with the
status on today's date (`not_assigned`, `assigned`, `in_progress`, `overdue`, `certified`,
`renewal_due`, `expired`, `revoked`) and the same filters as the reports.
"""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _text(max_length: int, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, **extra}


def _nullable_text(max_length: int, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "nullable": True, **extra}


def _date(**extra: Any) -> dict[str, Any]:
    return {"type": "string", "format": "date", **extra}


def _list_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data", "page", "per_page", "total"],
        "properties": {
            "data": {"type": "array", "items": _ref(name)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
        },
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ok(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref(name))}


def _schemas() -> dict[str, Any]:
    person_properties = {
        "id": {"type": "integer", "minimum": 1},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "status": {"type": "string", "enum": list(PERSON_STATUSES)},
        "department": {"type": "string", "nullable": True},
        "manager_id": {"type": "integer", "nullable": True},
        "manager_email": {"type": "string", "nullable": True},
    }
    manager_email = _nullable_text(EMAIL_MAX, format="email",
                                   description="E-mail of an existing person; null for none.")
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "integer", "minimum": 400, "maximum": 599},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "A message per invalid field or parameter (422 only)."},
                },
            }},
        },
        "Course": {
            "type": "object",
            "required": ["id", "slug", "title", "version"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "slug": {"type": "string"},
                "title": {"type": "string", "description": "Title of the newest version."},
                "version": {"type": "integer", "minimum": 0, "description": "Newest version number."},
            },
        },
        "CourseList": _list_of("Course"),
        "Person": {"type": "object", "required": list(person_properties), "properties": person_properties},
        "PersonList": _list_of("Person"),
        "PersonCreate": {
            "type": "object",
            "required": ["email", "name"],
            "additionalProperties": False,
            "properties": {
                "email": _text(EMAIL_MAX, format="email"),
                "name": _text(NAME_MAX),
                "role": {"type": "string", "enum": list(ROLES), "default": "employee"},
                "department": _nullable_text(DEPARTMENT_MAX),
                "manager_email": manager_email,
            },
        },
        "PersonUpdate": {
            "type": "object",
            "additionalProperties": False,
            "description": "Only the fields present change. A manager may not report to the person.",
            "properties": {
                "name": _text(NAME_MAX),
                "role": {"type": "string", "enum": list(ROLES)},
                "department": _nullable_text(DEPARTMENT_MAX),
                "manager_email": manager_email,
                "status": {"type": "string", "enum": list(SETTABLE_PERSON_STATUSES)},
            },
        },
        "Completion": {
            "type": "object",
            "required": ["person_id", "email", "name", "department", "manager_email", "course", "status",
                         "due_on", "certified_on", "valid_until"],
            "properties": {
                "person_id": {"type": "integer", "minimum": 1},
                "email": {"type": "string"},
                "name": {"type": "string"},
                "department": {"type": "string", "nullable": True},
                "manager_email": {"type": "string", "nullable": True},
                "course": {"type": "string", "description": "Course slug."},
                "status": {"type": "string", "enum": list(STATUSES)},
                "due_on": _date(nullable=True, description="Due date of the open assignment (none once certified)."),
                "certified_on": _date(nullable=True, description="Start of the current certification."),
                "valid_until": _date(nullable=True, description="Last day the certification is valid."),
            },
        },
        "CompletionList": _list_of("Completion"),
        "Certification": {
            "type": "object",
            "required": ["id", "person_id", "email", "course", "version", "sequence", "kind", "certified_on",
                         "valid_until", "window_opens_on", "revoked_on", "code", "status"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "person_id": {"type": "integer", "minimum": 1},
                "email": {"type": "string"},
                "course": {"type": "string"},
                "version": {"type": "integer", "description": "Course version the period was earned on."},
                "sequence": {"type": "integer", "minimum": 1},
                "kind": {"type": "string", "enum": ["initial", "renewal"]},
                "certified_on": _date(),
                "valid_until": _date(),
                "window_opens_on": _date(description="First day of the refresher window."),
                "revoked_on": _date(nullable=True),
                "code": {"type": "string", "description": "Certificate code (public verification)."},
                "status": {"type": "string", "enum": ["certified", "renewal_due", "expired", "revoked"],
                           "description": "Status of this period on today's date."},
            },
        },
        "CertificationList": _list_of("Certification"),
        "AssignmentCreate": {
            "type": "object",
            "required": ["course", "people"],
            "additionalProperties": False,
            "properties": {
                "course": _text(SLUG_MAX, description="Course slug."),
                "people": {
                    "type": "array", "minItems": 1, "maxItems": 1000,
                    "description": "People by id or e-mail address.",
                    "items": {"oneOf": [
                        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                        {"type": "string", "format": "email", "minLength": 1, "maxLength": EMAIL_MAX},
                    ]},
                },
                "reason": {"type": "string", "enum": list(REASONS), "default": "manual"},
                "due_on": _date(nullable=True, description="Today or later (a past date is refused)."),
                "reassign": {"type": "boolean", "default": False,
                             "description": "Also give people holding a valid certificate a new assignment."},
            },
        },
        "AssignmentResult": {
            "type": "object",
            "required": ["count", "course", "person_ids", "reason", "due_on", "reassign", "summary", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "New assignments made."},
                "course": {"type": "string"},
                "person_ids": {"type": "array", "items": {"type": "integer"}},
                "reason": {"type": "string", "enum": list(REASONS)},
                "due_on": _date(nullable=True),
                "reassign": {"type": "boolean"},
                "summary": {"type": "object", "description": "How many people got each outcome.",
                            "properties": {o: {"type": "integer", "minimum": 0} for o in ASSIGN_OUTCOMES}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["person_id", "outcome", "due_on"],
                    "properties": {
                        "person_id": {"type": "integer"},
                        "outcome": {"type": "string", "enum": list(ASSIGN_OUTCOMES), "description": (
                            "assigned: a new assignment; reassigned: certified, given a new one on "
                            "request; already_assigned / overdue_kept: their open assignment and its "
                            "due date stay; already_certified: holds a valid certificate, skipped.")},
                        "due_on": _date(nullable=True, description="The due date now in force for them."),
                    },
                }},
            },
        },
    }


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("Error")), **extra}


def _responses() -> dict[str, Any]:
    return {
        "BadRequest": _error("The body is not valid JSON."),
        "Unauthorized": _error(
            "Missing, invalid or revoked token.",
            headers={"WWW-Authenticate": {"required": True, "schema": {"type": "string"},
                                          "description": "Bearer challenge (RFC 6750)."}},
        ),
        "NotFound": _error("No such record."),
        "Conflict": _error("The change conflicts with existing data."),
        "UnsupportedMediaType": _error("The body is not application/json."),
        "Unprocessable": _error("A parameter or field is invalid; `fields` says which."),
    }


def _parameters() -> dict[str, Any]:
    return {
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                       "Page number, from 1."),
        "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                        "default": DEFAULT_PER_PAGE}, "Rows per page."),
        "course": _query("course", _text(SLUG_MAX), "Course slug (422 if there is no such course)."),
        "department": _query("department", _text(DEPARTMENT_MAX), "Exact department."),
        "person_id": {"name": "person_id", "in": "path", "required": True,
                      "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    }


def _list_responses(name: str, description: str) -> dict[str, Any]:
    return {
        "200": _ok(name, description),
        "401": _response("Unauthorized"),
        "422": _response("Unprocessable"),
    }


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": _json(_ref(name))}


def _paths() -> dict[str, Any]:
    paging = [_param("page"), _param("per_page")]
    return {
        "/courses": {"get": {
            "operationId": "listCourses",
            "summary": "Courses, with the title and number of their newest version (by id).",
            "parameters": paging,
            "responses": _list_responses("CourseList", "A page of courses."),
        }},
        "/people": {
            "get": {
                "operationId": "listPeople",
                "summary": "People, by id.",
                "parameters": [
                    _param("department"),
                    _query("role", {"type": "string", "enum": list(ROLES)}, "Role."),
                    _query("email", _text(EMAIL_MAX), "E-mail address (any case)."),
                    _query("status", {"type": "string", "enum": list(PERSON_STATUSES)}, "Record status."),
                    *paging,
                ],
                "responses": _list_responses("PersonList", "A page of people."),
            },
            "post": {
                "operationId": "createPerson",
                "summary": "Create a person (no password: they sign in through the portal or an invite).",
                "requestBody": _body("PersonCreate"),
                "responses": {
                    "201": {**_ok("Person", "Created."),
                            "headers": {"Location": {"required": True, "schema": {"type": "string"},
                                                     "description": "URL of the new person."}}},
                    "400": _response("BadRequest"),
                    "401": _response("Unauthorized"),
                    "409": _response("Conflict"),
                    "415": _response("UnsupportedMediaType"),
                    "422": _response("Unprocessable"),
                },
            },
        },
        "/people/{person_id}": {
            "parameters": [_param("person_id")],
            "get": {
                "operationId": "getPerson",
                "summary": "One person.",
                "responses": {
                    "200": _ok("Person", "The person."),
                    "401": _response("Unauthorized"),
                    "404": _response("NotFound"),
                },
            },
            "patch": {
                "operationId": "updatePerson",
                "summary": "Change a person's name, role, department, manager or status.",
                "requestBody": _body("PersonUpdate"),
                "responses": {
                    "200": _ok("Person", "The updated person."),
                    "400": _response("BadRequest"),
                    "401": _response("Unauthorized"),
                    "404": _response("NotFound"),
                    "409": _response("Conflict"),
                    "415": _response("UnsupportedMediaType"),
                    "422": _response("Unprocessable"),
                },
            },
        },
        "/completions": {"get": {
            "operationId": "listCompletions",
            "summary": "Status of every (person, course) pair today: the reports' table and filters.",
            "description": "Covers active and invited people, ordered by person id then course slug.",
            "parameters": [
                _query("status", {"type": "string", "enum": list(STATUSES)}, "Status today."),
                _param("course"),
                _param("department"),
                _query("within_days", {"type": "integer", "enum": list(WITHIN_DAYS)},
                       "Due (assigned, in progress) or expiring (certified, renewal due) within N days."),
                _query("manager_email", _text(EMAIL_MAX),
                       "Only this manager's reporting tree (422 if there is no such person)."),
                _query("direct_only", {"type": "boolean", "default": False},
                       "With manager_email: only the manager's direct reports."),
                _query("search", _text(SEARCH_MAX), "Part of a name or e-mail address."),
                *paging,
            ],
            "responses": _list_responses("CompletionList", "A page of completion rows."),
        }},
        "/certifications": {"get": {
            "operationId": "listCertifications",
            "summary": "Certification periods (every cycle, renewals and revoked ones included), by id.",
            "parameters": [
                _param("course"),
                _query("email", _text(EMAIL_MAX), "The person's e-mail address."),
                _query("valid_on", _date(), "Only periods valid on this date (not revoked by then)."),
                *paging,
            ],
            "responses": _list_responses("CertificationList", "A page of certification periods."),
        }},
        "/assignments": {"post": {
            "operationId": "createAssignments",
            "summary": "Assign a course to people; existing assignments and due dates are never changed.",
            "requestBody": _body("AssignmentCreate"),
            "responses": {
                "201": _ok("AssignmentResult", "At least one person got a new assignment."),
                "200": _ok("AssignmentResult", "Nobody needed one (all already assigned or certified)."),
                "400": _response("BadRequest"),
                "401": _response("Unauthorized"),
                "415": _response("UnsupportedMediaType"),
                "422": _response("Unprocessable"),
            },
        }},
    }


def build_document(base_url: str) -> dict[str, Any]:
    """The document; ``base_url`` is where the API lives (``{script root}{prefix}/api/v1``)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Training LMS API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": base_url, "description": "This LMS"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A token from `flask lms create-token` (admin-level integration).",
            }},
            "schemas": _schemas(),
            "responses": _responses(),
            "parameters": _parameters(),
        },
    }
