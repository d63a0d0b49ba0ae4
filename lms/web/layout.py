"""Links from the LMS's own layout back into a host portal (host mode)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, request, url_for
from werkzeug.routing import BuildError


def _resolve(target: str | None) -> str | None:
    """An endpoint name or a URL (``/``, ``https://...``) as a URL."""
    if not target:
        return None
    if target.startswith(("/", "http://", "https://")):
        if target.startswith("/"):
            return request.script_root + target
        return target
    try:
        return url_for(target)
    except BuildError:
        current_app.logger.warning("LMS_PORTAL_* names an unknown endpoint %r", target)
        return None


def portal_links() -> SimpleNamespace:
    """``home``, ``logout`` and ``logout_method`` from the ``LMS_PORTAL_*`` settings."""
    config = current_app.config
    return SimpleNamespace(
        home=_resolve(config["LMS_PORTAL_HOME"]) or request.script_root + "/",
        logout=_resolve(config["LMS_PORTAL_LOGOUT"]),
        logout_method=(config["LMS_PORTAL_LOGOUT_METHOD"] or "get").lower(),
    )
