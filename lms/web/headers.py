"""Security headers on every response the LMS serves.

A small hook rather than a library: Flask-Talisman (the usual choice) installs itself
app-wide, and in a host the LMS must only touch its own routes. In standalone mode the
hook runs for the whole app (the LMS is the site); in host mode it is an ``after_request``
of the LMS blueprint, so a host's pages keep their own headers. A header the response
already has is never replaced, and the host's own ``after_request`` runs after this one.

``LMS_CONTENT_SECURITY_POLICY`` (default :data:`CSP`: no inline or foreign scripts,
styles or frames; LMS pages have none) and ``LMS_FRAME_ANCESTORS`` adjust the policy; a
host whose base template has inline scripts sets its own policy there, or ``""`` to send
none.
"""

from __future__ import annotations

from flask import current_app, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    """``after_request``: CSP, frame-ancestors, nosniff, Referrer-Policy, HSTS over HTTPS."""
    config = current_app.config
    headers = response.headers
    policy = config.get("LMS_CONTENT_SECURITY_POLICY")
    if policy is None:
        policy = CSP.format(frame_ancestors=config.get("LMS_FRAME_ANCESTORS") or "'self'")
    if policy and "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = policy
    frames = config.get("LMS_FRAME_ANCESTORS") or "'self'"
    headers.setdefault("X-Frame-Options", "SAMEORIGIN" if frames == "'self'" else "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
