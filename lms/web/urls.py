"""Absolute links for e-mails, certificates and the CLI: one way, in both modes.

``LMS_BASE_URL`` is the public URL of the app's root — what a browser sees before the
app's own paths: ``https://portal.example.com`` or, for an app mounted under a path by
its server, ``https://example.com/portal``. Links are that URL plus the endpoint's path
inside the app (which includes ``LMS_URL_PREFIX``), so the prefix is never doubled. A
value that already ends with the LMS prefix (``https://portal.example.com/training``) is
read as the LMS's own URL and the prefix is taken off once.

Without ``LMS_BASE_URL`` a link made during a request uses the request's URL (right
behind a proxy when the app applies ProxyFix; the standalone app does with
``LMS_PROXY_FIX=1``); outside a request (CLI, cron) the setting is required.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


class BaseURLMissing(RuntimeError):
    """A link is needed outside a request and ``LMS_BASE_URL`` is not set."""


def app_root_url() -> tuple[str, str, str]:
    """``(scheme, host, script_root)`` of ``LMS_BASE_URL``, prefix removed."""
    config = current_app.config
    parts = urlsplit(config["LMS_BASE_URL"].strip())
    path = parts.path.rstrip("/")
    prefix = (config["LMS_URL_PREFIX"] or "").rstrip("/")
    if prefix and path.endswith(prefix):
        path = path[: -len(prefix)]
    return parts.scheme or "https", parts.netloc, path


def absolute_url(endpoint: str, **values) -> str:
    """The public absolute URL of ``endpoint``, inside a request or outside one."""
    if not current_app.config.get("LMS_BASE_URL"):
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        raise BaseURLMissing(
            "set LMS_BASE_URL to the app's public URL (https://portal.example.com) so links "
            "in e-mails and certificates can be made outside a request"
        )
    scheme, host, script_root = app_root_url()
    adapter = current_app.url_map.bind(host, script_name=script_root or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)
