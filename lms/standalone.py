"""What the LMS sets up when it is the whole app (``mode="standalone"``, as in ``app.py``).

Here the LMS owns the site, so it may create app-wide things a guest never would: the
database and sign-in singletons (reused when the app already has them), Flask-Babel, a
sign-in rate limiter and the error pages of the whole site.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from lms.accounts.emails import normalise_email
from lms.accounts.models import Person
from lms.accounts.sessions import load_person
from lms.config import LMSConfigError
from lms.db import Base, session
from lms.i18n import select_locale
from lms.web.errors import error_page


def session_defaults(app: Flask) -> dict:
    """Cookie settings a security review expects; any the app already set win.

    ``Secure`` follows ``LMS_BASE_URL``: on when the LMS is served over HTTPS. A sign-in
    without "keep me signed in" lasts 12 hours on the server (and the browser session);
    one with it, 30 days.
    """
    https = str(app.config.get("LMS_BASE_URL") or "").startswith("https://")
    return {
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429
    }


def init_standalone(app: Flask, state) -> None:
    """Create (or reuse) the app-wide singletons of a standalone LMS."""
    for key, value in session_defaults(app).items():
        if key not in app.config or app.config[key] == app.default_config.get(key):
            app.config[key] = value
    if "sqlalchemy" not in app.extensions:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", "sqlite:///lms.sqlite3")
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
        SQLAlchemy(model_class=Base).init_app(app)

    if getattr(app, "login_manager", None) is not None:
        raise LMSConfigError(
            "this app already has a Flask-Login manager: use LMS(app, mode='host') so the "
            "LMS signs people in through it, or remove it for mode='standalone'"
        )
    login_manager = LoginManager(app)
    login_manager.login_view = "lms.accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_person)

    if "babel" not in app.extensions:
        Babel(app, locale_selector=select_locale)

    state.limiter = Limiter(
        key_func=client_address,
        app=app,
        storage_uri=app.config["LMS_RATELIMIT_STORAGE_URI"],
        default_limits=[],
        key_prefix=app.config["LMS_RATELIMIT_KEY_PREFIX"],
    )

    _register_app_error_pages(app)


def client_address() -> str:
    """The address sign-in limits count by. Behind a proxy without ``LMS_PROXY_FIX`` every
    request seems to come from the proxy, so one attacker would lock everyone out: say so
    in the log (once) instead of failing silently."""
    if "X-Forwarded-For" in request.headers and not current_app.config.get("LMS_PROXY_FIX"):
        state = current_app.extensions["lms"]
        if not state.extra.get("warned_proxy"):
            state.extra["warned_proxy"] = True
            current_app.logger.warning(
                "requests carry X-Forwarded-For but LMS_PROXY_FIX is off: sign-in limits count "
                "the proxy's address for everyone; set LMS_PROXY_FIX=1 behind a reverse proxy"
            )
    return get_remote_address()


def account_key() -> str:
    """The account a sign-in or reset request is about (the e-mail typed, normalised)."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


def limit_sign_in(app: Flask, state) -> None:
    """Throttle the LMS's own sign-in and reset forms, per address and per account."""
    config = app.config
    limits = {
        "lms.accounts.login": [
            (config["LMS_LOGIN_RATE_LIMIT"], client_address),
            (config["LMS_LOGIN_ACCOUNT_RATE_LIMIT"], account_key),
        ],
        "lms.accounts.request_reset": [
            (config["LMS_PASSWORD_RESET_RATE_LIMIT"], client_address),
            (config["LMS_PASSWORD_RESET_RATE_LIMIT"], account_key),
        ],
    }
    for endpoint, rules in limits.items():
        view = app.view_functions[endpoint]
        for value, key in rules:
            view = state.limiter.limit(value, key_func=key, methods=["POST"])(view)
        app.view_functions[endpoint] = view
    _check_only_limited_views(app, state.limiter)


def _check_only_limited_views(app: Flask, limiter: Limiter) -> None:
    """Drop Flask-Limiter's check of every request when it has nothing to check.

    Its ``before_request`` hook looks for app-wide limits (default, application, meta)
    on every page; the decorated sign-in views check their own limits in their wrappers.
    With no app-wide limit configured the hook finds nothing, at the price of about 15% of
    a ``/healthz`` request (measured with callgrind), so it is removed. An operator who sets
    ``RATELIMIT_DEFAULT``, ``RATELIMIT_APPLICATION`` or ``RATELIMIT_META`` keeps it.
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or app.config.get("RATELIMIT_META"):
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [f for f in hooks if f != limiter._check_request_limit]


def _register_app_error_pages(app: Flask) -> None:
    """The LMS owns the whole site, so it renders every error page."""
    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, error_page)

    @app.shell_context_processor
    def _shell():  # pragma: no cover - convenience for `flask shell`
        return {"session": session, "Person": Person}
