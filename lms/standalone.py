"""What the LMS sets up when it is the whole app (``mode="standalone"``, as in ``app.py``).

Here the LMS owns the site, so it may create app-wide things a guest never would: the
database and sign-in singletons (reused when the app already has them), Flask-Babel, a
sign-in rate limiter and the error pages of the whole site.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from lms.db import Base


def init_standalone(app: Flask, state) -> None:
    """Create (or reuse) the app-wide singletons of a standalone LMS."""
    if "sqlalchemy" not in app.extensions:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", "sqlite:///lms.sqlite3")
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
        SQLAlchemy(model_class=Base).init_app(app)

    if getattr(app, "login_manager", None) is not None:
        from lms.extension import LMSConfigError

        raise LMSConfigError(
            "this app already has a Flask-Login manager: use LMS(app, mode='host') so the "
            "LMS signs people in through it, or remove it for mode='standalone'")
    login_manager = LoginManager(app)
    login_manager.login_view = "lms.accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_person)

    if "babel" not in app.extensions:
        from lms.i18n import select_locale

        Babel(app, locale_selector=select_locale)

    state.limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config["LMS_RATELIMIT_STORAGE_URI"],
        default_limits=[],
        key_prefix="lms",
    )

    _register_app_error_pages(app)


def limit_sign_in(app: Flask, state) -> None:
    """Throttle sign-in attempts (``LMS_LOGIN_RATE_LIMIT``) on the LMS's own form."""
    login = app.view_functions["lms.accounts.login"]
    app.view_functions["lms.accounts.login"] = state.limiter.limit(
        lambda: app.config["LMS_LOGIN_RATE_LIMIT"], methods=["POST"]
    )(login)


def _load_person(person_id: str):
    from lms.accounts.models import Person
    from lms.db import session

    try:
        return session.get(Person, int(person_id))
    except (TypeError, ValueError, OverflowError):
        return None


def _register_app_error_pages(app: Flask) -> None:
    """The LMS owns the whole site, so it renders every error page."""
    from lms.web.errors import error_page

    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, error_page)

    @app.shell_context_processor
    def _shell():  # pragma: no cover - convenience for `flask shell`
        from lms.accounts.models import Person
        from lms.db import session

        return {"session": session, "Person": Person}
