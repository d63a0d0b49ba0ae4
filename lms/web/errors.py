"""Friendly error pages (HTML), or JSON for API requests."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from lms.db import session
from lms.web.templating import render


def wants_json() -> bool:
    """API routes and clients that ask for JSON get JSON errors, never an HTML page."""
    if (request.blueprint or "").startswith("lms.api"):
        return True
    state = current_app.extensions["lms"]
    if state.standalone and request.path.startswith(f"{state.url_prefix}/api/"):
        return True  # an unknown API path (no blueprint matched) in the LMS's own app
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_page(error: Exception):
    """Render ``lms/error.html`` (or JSON) for an HTTP error; anything else is a 500."""
    if not isinstance(error, HTTPException):
        error = InternalServerError(original_exception=error)
    code = error.code or 500
    # Keep the error's own headers (Allow on 405, Retry-After on 429...).
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if wants_json():
        response = jsonify({"error": {"code": code, "message": error.description}})
        return response, code, headers
    return render("lms/error.html", code=code, error=error), code, headers


def register_blueprint_errors(bp: Blueprint) -> None:
    """Errors raised by LMS views render LMS pages, even inside a host app."""
    for code in (400, 403, 404, 405, 429):
        bp.register_error_handler(code, error_page)


QUERY_CANCELED = "57014"  # PostgreSQL: the statement_timeout cancelled the query


def slow_query_page(error: Exception):
    """A report cancelled by ``LMS_REPORT_TIMEOUT_MS`` is a 503 that says so, not a 500."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) != QUERY_CANCELED:
        raise error
    session.rollback()
    return error_page(
        ServiceUnavailable(
            "This report took too long and was stopped. Narrow it with the filters, or try again later."
        )
    )
