"""API errors: always JSON, ``{"error": {"code": 422, "message": "...", "fields": {...}}}``.

Every error the API returns goes through :func:`error_response`, serialised from the
contract's ``Error`` model, so clients see one shape whatever went wrong (a bad token, a
bad parameter, an unknown id, a routing error).
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.api.schemas import Error, ErrorDetail

#: The challenge sent with every 401 (RFC 6750).
REALM = 'Bearer realm="lms-api"'


class ApiError(Exception):
    """An error answered as JSON with ``code`` (4xx) and optional per-field messages."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


class Unauthorized(ApiError):
    def __init__(self, message: str, *, invalid: bool = False):
        challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
        super().__init__(401, message, headers={"WWW-Authenticate": challenge})


class NotFound(ApiError):
    def __init__(self, message: str = "not found"):
        super().__init__(404, message)


class Conflict(ApiError):
    def __init__(self, message: str, *, fields: dict[str, str] | None = None):
        super().__init__(409, message, fields=fields)


class Invalid(ApiError):
    """422: the request was understood but a value is wrong; ``fields`` says which."""

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(422, message or summary(fields), fields=fields)


def summary(fields: dict[str, str]) -> str:
    """One line naming every field's problem (the ``message`` of a 422 or 409)."""
    return "; ".join(f"{name}: {problem}" for name, problem in fields.items()) or "invalid request"


def error_response(
    code: int,
    message: str,
    *,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
):
    detail = ErrorDetail(code=code, message=message, **({"fields": fields} if fields else {}))
    response = jsonify(Error(error=detail).model_dump(mode="json", exclude_unset=True))
    response.status_code = code
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def register(bp: Blueprint) -> None:
    """JSON for every error raised inside an API view."""

    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.code, error.message, fields=error.fields, headers=error.headers)

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        headers = {}
        allowed = getattr(error, "valid_methods", None)
        if code == 405 and allowed:
            headers["Allow"] = ", ".join(allowed)
        if code == 401:
            headers["WWW-Authenticate"] = REALM
        return error_response(code, error.description or error.name, headers=headers)

    @bp.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        return error_response(500, "internal server error")
