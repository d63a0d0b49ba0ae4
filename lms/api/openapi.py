"""The OpenAPI 3.1 document of the API, served at ``{prefix}/api/v1/openapi.json``.

Generated from the route registry (``contract.Api``) and the pydantic models it names:
paths and methods from the registered rules, query parameters from each query model's
fields, bodies and answers from ``model_json_schema`` (their ``$defs`` become
``components/schemas``), error answers from what each operation can give. Nothing here
restates a field, a limit or a vocabulary; the test suite validates the document against
the OpenAPI 3.1 specification and runs schemathesis against it.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from lms.api.contract import Api, Operation
from lms.api.schemas import Error
from lms.db import MAX_ID

VERSION = "3.1.0"
_REF = "#/components/schemas/{model}"
_RULE_ARG = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
#: Path parameter schemas by Flask converter (ids are 32-bit database columns).
_CONVERTERS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "string": {"type": "string"},
}

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

#: The shared error answers: (component name, description) per status.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body is not valid JSON."),
    401: ("Unauthorized", "Missing, invalid or revoked token."),
    404: ("NotFound", "No such record."),
    409: ("Conflict", "The change conflicts with existing data."),
    415: ("UnsupportedMediaType", "The body is not application/json."),
    422: ("Unprocessable", "A parameter or field is invalid; `fields` says which."),
}


class _Schemas(GenerateJsonSchema):
    """Pydantic's JSON Schema without a generated title on every property."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation_id(endpoint: str) -> str:
    first, *rest = endpoint.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or text: drop pydantic's ``null`` branch and default."""
    schema = {k: v for k, v in schema.items() if not (k == "default" and v is None)}
    branches = schema.get("anyOf")
    if branches and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        schema.pop("anyOf")
        schema = {**rest[0], **schema} if len(rest) == 1 else {**schema, "anyOf": rest}
    return schema


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _without_null(dict(prop))
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _path(op: Operation) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path template of a Flask rule, and its path parameters."""
    parameters = [
        {
            "name": m["name"],
            "in": "path",
            "required": True,
            "schema": dict(_CONVERTERS.get(m["converter"] or "string", {"type": "string"})),
        }
        for m in _RULE_ARG.finditer(op.path)
    ]
    return _RULE_ARG.sub(lambda m: "{" + m["name"] + "}", op.path), parameters


class _Builder:
    """Paths and components of one registry (built once: the contract is fixed at import)."""

    def __init__(self, api: Api):
        self.operations = [op for op in api.operations if op.documented]
        wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Error, "serialization")]
        for op in self.operations:
            wanted += [(m, "validation") for m in (op.query, op.body) if m is not None]
            if op.response is not None:
                wanted.append((op.response, "serialization"))
        refs, top = models_json_schema(
            list(dict.fromkeys(wanted)), ref_template=_REF, schema_generator=_Schemas
        )
        self.refs = refs
        self.schemas: dict[str, Any] = top.get("$defs", {})
        queries = dict.fromkeys(op.query for op in self.operations if op.query is not None)
        self.query_schemas = {model: self._take(refs[(model, "validation")]) for model in queries}

    def _take(self, ref: dict[str, str]) -> dict[str, Any]:
        """Remove a query model from the components: its fields become parameters."""
        return self.schemas.pop(ref["$ref"].rsplit("/", 1)[-1])

    def operation(self, op: Operation) -> dict[str, Any]:
        _, parameters = _path(op)
        if op.query is not None:
            parameters += _query_parameters(self.query_schemas[op.query])
        spec: dict[str, Any] = {"operationId": _operation_id(op.endpoint), "summary": op.summary}
        if op.description:
            spec["description"] = op.description
        if op.auth == "public":
            spec["security"] = []
        if parameters:
            spec["parameters"] = parameters
        if op.body is not None:
            spec["requestBody"] = {
                "required": True,
                "content": _json(self.refs[(op.body, "validation")]),
            }
        spec["responses"] = {
            **self._successes(op),
            **{
                str(code): {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
                for code in op.error_codes
            },
        }
        return spec

    def _successes(self, op: Operation) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for status, description in op.responses.items():
            answer: dict[str, Any] = {"description": description}
            if op.response is not None:
                answer["content"] = _json(self.refs[(op.response, "serialization")])
            if headers := op.headers.get(status):
                answer["headers"] = {
                    name: {"required": True, "schema": {"type": "string"}, "description": text}
                    for name, text in headers.items()
                }
            answers[str(status)] = answer
        return answers

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for op in self.operations:
            template, _ = _path(op)
            paths.setdefault(template, {})[op.method.lower()] = self.operation(op)
        return paths

    def error_responses(self) -> dict[str, Any]:
        answers = {}
        for code, (name, description) in ERRORS.items():
            answers[name] = {
                "description": description,
                "content": _json(self.refs[(Error, "serialization")]),
            }
            if code == 401:
                answers[name]["headers"] = {
                    "WWW-Authenticate": {
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "Bearer challenge (RFC 6750).",
                    }
                }
        return answers


@functools.cache
def _contract(api: Api) -> dict[str, Any]:
    builder = _Builder(api)
    paths = builder.paths()
    return {
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `flask lms create-token` (admin-level integration).",
                }
            },
            "schemas": builder.schemas,
            "responses": builder.error_responses(),
        },
    }


def build_document(api: Api, base_url: str) -> dict[str, Any]:
    """The document; ``base_url`` is where the API lives (``{script root}{prefix}/api/v1``)."""
    return {
        "openapi": VERSION,
        "info": {"title": "Training LMS API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": base_url, "description": "This LMS"}],
        "security": [{"bearerAuth": []}],
        **copy.deepcopy(_contract(api)),
    }
