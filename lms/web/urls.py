"""Absolute links for e-mails, certificates and the CLI."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """``LMS_BASE_URL`` + the endpoint's path, inside a request or outside one (CLI, cron)."""
    base = current_app.config["LMS_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base + "/"):
        return url_for(endpoint, _external=True, **values)
