"""The route registry: one decorator per API operation, and everything derived from it.

``@api.operation("GET", "/people", query=PeopleQuery, response=PersonList, summary=...)``
records the method, the path (a Flask rule), the request and response models, who may
call it and what it is for. From that one entry:

- the request is validated before the view runs (the query string against ``query``,
  the JSON body against ``body``), every problem answered at once as a 422 whose
  ``fields`` are named by pydantic's ``loc``;
- the view's return value is checked against ``response`` and serialised;
- the routing fallbacks answer a wrong method with a JSON 405 and ``Allow``, OPTIONS
  with the methods, and an unknown API path with a JSON 404;
- ``openapi.py`` writes the OpenAPI document.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from lms.api.errors import ApiError, Invalid, NotFound
from lms.api.fields import MESSAGES
from lms.clock import today

#: Who may call an operation: an API token (an admin-level integration) or anyone.
Auth = Literal["token", "public"]
_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Reply:
    """A view's answer when it is not a plain 200: another status, extra headers."""

    body: Any  # the operation's response model (any JSON where it declares none)
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One entry of the contract. ``path`` is the Flask rule under the blueprint."""

    method: str
    path: str
    endpoint: str
    summary: str
    response: type[BaseModel] | None
    responses: Mapping[int, str]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    auth: Auth = "token"
    description: str | None = None
    errors: tuple[int, ...] = ()
    headers: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    documented: bool = True
    #: Called with the path parameters before the request is read: raises the 404 for a
    #: record that does not exist, so that answer comes before any about the body.
    found: Callable[..., Any] | None = None

    @property
    def error_codes(self) -> tuple[int, ...]:
        """The error answers it can give: 401 unless public, 400/415 with a body, 422 with
        any input, 404 with path parameters, and any declared in ``errors``."""
        codes = set(self.errors)
        if self.auth == "token":
            codes.add(401)
        if self.body is not None:
            codes |= {400, 415}
        if self.body is not None or self.query is not None:
            codes.add(422)
        if "<" in self.path:
            codes.add(404)
        return tuple(sorted(codes))


def _field_name(loc: tuple[Any, ...], whole: str) -> str:
    return ".".join(str(part) for part in loc) or whole


def problems(error: ValidationError, *, unknown: str, whole: str) -> dict[str, str]:
    """A message per field from pydantic's errors (the first one for each field)."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        if item["type"] == "extra_forbidden":
            message = unknown
        else:
            message = MESSAGES.get(item["type"], item["msg"])
        found.setdefault(_field_name(item["loc"], whole), message)
    return found


#: ``exists(kind, value)``: whether the record a request names exists (see ``fields.reference``).
Exists = Callable[[str, Any], bool]


def _validate(
    model: type[BaseModel], data: Any, exists: Exists | None, *, unknown: str, whole: str
) -> BaseModel:
    """``data`` as ``model``, or one 422 with every problem: the values' own, then the
    records they name that do not exist."""
    context: dict[str, Any] = {"today": today(), "exists": exists}
    value, found = None, {}
    try:
        value = model.model_validate(data, context=context)
    except ValidationError as exc:
        found = problems(exc, unknown=unknown, whole=whole)
    for name, message in context.get("missing", {}).items():
        found.setdefault(name, message)
    if found:
        raise Invalid(found)
    return value


def parse_query(model: type[BaseModel], exists: Exists | None = None) -> BaseModel:
    """The query string as ``model`` (the first value of a repeated parameter counts)."""
    return _validate(
        model, request.args.to_dict(), exists, unknown="unknown parameter", whole="query"
    )


def json_body() -> Any:
    """The request's JSON: 415 unless JSON, 400 unless it parses."""
    if not request.is_json:
        raise ApiError(415, "the request body must be JSON (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if data is None and request.get_data().strip() != b"null":
        raise ApiError(400, "the request body is not valid JSON")
    return data


def parse_body(model: type[BaseModel], exists: Exists | None = None) -> BaseModel:
    """The JSON object body as ``model`` (anything but an object is a 422 on ``body``)."""
    return _validate(model, json_body(), exists, unknown="unknown field", whole="body")


def _allow_header(methods: tuple[str, ...]) -> str:
    return ", ".join((*methods, "HEAD", "OPTIONS") if "GET" in methods else (*methods, "OPTIONS"))


class Api:
    """The registry of one blueprint's operations (see the module docstring); ``exists``
    answers the models' reference checks."""

    def __init__(self, bp: Blueprint, *, exists: Exists | None = None):
        self.bp = bp
        self.exists = exists
        self.operations: list[Operation] = []
        self._by_endpoint: dict[str, Operation] = {}
        self._fallbacks: dict[str, tuple[str, ...]] = {}  # endpoint -> methods of its path
        bp.record(self._add_fallbacks)

    # --- declaring ------------------------------------------------------------------------

    def operation(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        response: type[BaseModel] | None,
        responses: Mapping[int, str] | str,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        auth: Auth = "token",
        description: str | None = None,
        errors: tuple[int, ...] = (),
        headers: Mapping[int, Mapping[str, str]] | None = None,
        documented: bool = True,
        found: Callable[..., Any] | None = None,
    ) -> Callable:
        """Register the decorated view as ``method path``.

        The view gets the path parameters and, when declared, ``query=`` and ``body=`` as
        validated models; it returns a ``response`` instance, or a :class:`Reply` for
        another status or headers. ``responses`` describes each success status (a string
        means 200); ``headers`` documents response headers per status; ``found`` checks
        that the path names an existing record (see :attr:`Operation.found`).
        """
        if isinstance(responses, str):
            responses = {200: responses}

        def register(view: Callable) -> Callable:
            op = Operation(
                method=method,
                path=path,
                endpoint=view.__name__,
                summary=summary,
                response=response,
                responses=dict(responses),
                query=query,
                body=body,
                auth=auth,
                description=description,
                errors=errors,
                headers=dict(headers or {}),
                documented=documented,
                found=found,
            )
            if op.endpoint in self._by_endpoint:
                raise ValueError(f"API operation {op.endpoint!r} is declared twice")
            self.operations.append(op)
            self._by_endpoint[op.endpoint] = op
            self.bp.add_url_rule(
                path, endpoint=op.endpoint, view_func=self._handler(op, view), methods=[method]
            )
            return view

        return register

    def _handler(self, op: Operation, view: Callable) -> Callable:
        @functools.wraps(view)
        def handle(**path_args: Any):
            if op.found is not None:
                op.found(**path_args)
            if op.query is not None:
                path_args["query"] = parse_query(op.query, self.exists)
            if op.body is not None:
                path_args["body"] = parse_body(op.body, self.exists)
            return self._respond(op, view(**path_args))

        return handle

    def _respond(self, op: Operation, result: Any):
        reply = result if isinstance(result, Reply) else Reply(result)
        if reply.status not in op.responses:
            raise TypeError(f"{op.endpoint} answered {reply.status}, not in its contract")
        if op.response is not None:
            if not isinstance(reply.body, op.response):
                raise TypeError(
                    f"{op.endpoint} answered {type(reply.body).__name__}, "
                    f"not {op.response.__name__}"
                )
            payload: Any = reply.body.model_dump(mode="json")
        else:
            payload = reply.body
        response = jsonify(payload)
        response.status_code = reply.status
        response.headers.update(dict(reply.headers))
        return response

    # --- reading ----------------------------------------------------------------------------

    def find(self, endpoint: str) -> Operation | None:
        """The operation served at ``endpoint`` (without the blueprint prefix)."""
        return self._by_endpoint.get(endpoint)

    def is_public(self, endpoint: str) -> bool:
        op = self._by_endpoint.get(endpoint)
        return op.auth == "public" if op is not None else endpoint in self._fallbacks

    def methods(self) -> dict[str, tuple[str, ...]]:
        """Path -> the methods served there, in declaration order."""
        served: dict[str, tuple[str, ...]] = {}
        for op in self.operations:
            served[op.path] = (*served.get(op.path, ()), op.method)
        return served

    @property
    def fallback_endpoints(self) -> frozenset[str]:
        return frozenset(self._fallbacks)

    # --- routing fallbacks: JSON 404/405 and OPTIONS, in a host app too ---------------------
    # Routing errors happen before a blueprint is chosen, so the host's error pages would
    # answer them. These rules keep them inside the API: a wrong method gets a JSON 405
    # with ``Allow``, an unknown path (or a non-numeric id) a JSON 404.

    def _add_fallbacks(self, state) -> None:
        """Added when the blueprint is registered, from every operation declared by then."""
        for number, (path, methods) in enumerate(self.methods().items()):
            endpoint = f"method_not_allowed_{number}"
            self._fallbacks[endpoint] = methods
            state.add_url_rule(
                path,
                endpoint=endpoint,
                view_func=_method_not_allowed(methods),
                methods=[m for m in _ALL_METHODS if m not in methods],
            )
        self._fallbacks["not_found"] = ()
        state.add_url_rule(
            "/<path:rest>", endpoint="not_found", view_func=_not_found, methods=list(_ALL_METHODS)
        )

    def options(self, endpoint: str):
        """OPTIONS lists the methods of the path (no token needed, nothing else revealed)."""
        op = self._by_endpoint.get(endpoint)
        methods = self.methods()[op.path] if op is not None else self._fallbacks.get(endpoint)
        if not methods:
            raise NotFound("no such API operation")
        response = current_app.response_class(status=204)
        response.headers["Allow"] = _allow_header(methods)
        return response


@functools.cache  # one view per method set: the same function in every app
def _method_not_allowed(methods: tuple[str, ...]) -> Callable:
    allow = _allow_header(methods)

    def method_not_allowed(**_kwargs: Any):
        raise ApiError(405, f"{request.method} is not allowed here", headers={"Allow": allow})

    return method_not_allowed


def _not_found(**_kwargs: Any):
    raise NotFound("no such API operation")
