"""The Flask extension: ``LMS().init_app(app, **options)``.

Follows Flask's extension guide: configuration ``LMS_*`` set with ``setdefault``, all
per-app state in ``app.extensions["lms"]`` (never ``self.app``), one parent blueprint
mounted at ``LMS_URL_PREFIX``, templates namespaced under ``lms/`` so a host can
override any page, and a ``flask lms`` command group.

Singletons are reused, never duplicated: if the app already has Flask-SQLAlchemy,
Flask-Login or Flask-Babel, the LMS uses those. Without a host LoginManager the LMS runs
in *standalone* mode with its own accounts and sign-in page; with one, the host signs
people in and ``person_for_user`` maps the host's user to an LMS person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import IntegerConverter

from lms.accounts.models import Person
from lms.config import apply_defaults
from lms.db import MAX_ID, Base

PersonForUser = Callable[[Any], "Person | None"]


def default_person_for_user(user: Any) -> Person | None:
    """Map a host's user to an LMS person by e-mail, creating the person on first visit.

    A host with other needs (roles from its own groups, departments from its directory)
    passes its own ``person_for_user``: a function of the host's ``current_user`` that
    returns an LMS ``Person`` (or None to deny access). ``lms.accounts.services`` has the
    helpers to find and create people.
    """
    from lms.accounts import services

    email = getattr(user, "email", None)
    if not email:
        return None
    person = services.find_by_email(email)
    if person is None:
        name = getattr(user, "name", None) or getattr(user, "username", None) or email
        person = services.create_person(
            email=email, name=str(name), external_id=str(user.get_id()), role="employee"
        )
    return person


@dataclass
class LMSState:
    """Everything the LMS keeps per app, stored in ``app.extensions["lms"]``."""

    db: SQLAlchemy
    login_manager: LoginManager
    limiter: Limiter
    standalone: bool
    person_for_user: PersonForUser
    url_prefix: str
    extra: dict[str, Any] = field(default_factory=dict)


class LMS:
    """The training and certification LMS as a Flask extension.

    ``LMS(app)`` or ``LMS().init_app(app, **options)``. Options are config keys without
    the prefix (``url_prefix="/training"`` sets ``LMS_URL_PREFIX``) plus
    ``person_for_user``, the one hook a host provides to map its user to a person.
    """

    def __init__(self, app: Flask | None = None, **options: Any) -> None:
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, **options: Any) -> None:
        opts = {**self._options, **options}
        person_for_user = opts.pop("person_for_user", None)
        apply_defaults(app.config, opts)

        db = app.extensions.get("sqlalchemy")
        if db is None:
            app.config.setdefault("SQLALCHEMY_DATABASE_URI", "sqlite:///lms.sqlite3")
            app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
            db = SQLAlchemy(model_class=Base)
            db.init_app(app)

        # UI strings are marked for translation; the catalogue template lives in
        # lms/translations (English only so far).
        ours = str(Path(__file__).parent / "translations")
        dirs = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
        if ours not in dirs.split(";"):
            app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{dirs};{ours}"
        if "babel" not in app.extensions:
            Babel(app)

        login_manager = getattr(app, "login_manager", None)
        standalone = login_manager is None
        if standalone:
            login_manager = LoginManager(app)
            login_manager.login_view = "lms.accounts.login"
            login_manager.login_message_category = "info"
            login_manager.user_loader(_load_person)

        limiter = Limiter(
            key_func=get_remote_address,
            app=app,
            storage_uri=app.config["LMS_RATELIMIT_STORAGE_URI"],
            default_limits=[],
            key_prefix="lms",
        )

        state = LMSState(
            db=db,
            login_manager=login_manager,
            limiter=limiter,
            standalone=standalone,
            person_for_user=person_for_user or default_person_for_user,
            url_prefix=app.config["LMS_URL_PREFIX"] or "",
        )
        app.extensions["lms"] = state

        _register_blueprints(app, state)
        _register_cli(app)
        if standalone:
            _register_app_error_pages(app)

        from lms.registry import check_registries

        check_registries()


def _load_person(person_id: str) -> Person | None:
    from lms.db import session

    try:
        return session.get(Person, int(person_id))
    except (TypeError, ValueError):
        return None


class IdConverter(IntegerConverter):
    """``<lms_id:...>``: a positive id that fits the INTEGER columns (32-bit on
    PostgreSQL). A larger number in a URL is a 404, never a database error."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def _register_blueprints(app: Flask, state: LMSState) -> None:
    from lms.accounts.views import bp as accounts_bp
    from lms.web.errors import register_blueprint_errors
    from lms.web.views import bp as home_bp

    app.url_map.converters.setdefault("lms_id", IdConverter)
    parent = Blueprint(
        "lms",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/lms-static",
    )
    register_blueprint_errors(parent)
    parent.register_blueprint(home_bp)
    if state.standalone:
        parent.register_blueprint(accounts_bp)
    for bp in _feature_blueprints():
        parent.register_blueprint(bp)
    app.register_blueprint(parent, url_prefix=state.url_prefix or None)

    if state.standalone:
        login = app.view_functions["lms.accounts.login"]
        app.view_functions["lms.accounts.login"] = state.limiter.limit(
            lambda: app.config["LMS_LOGIN_RATE_LIMIT"], methods=["POST"]
        )(login)

    # Forms built by hand (sign-out, one-click actions) need the token outside FlaskForm.
    app.jinja_env.globals.setdefault("csrf_token", generate_csrf)

    @app.context_processor
    def lms_template_globals():
        from lms.accounts.access import current_person

        return {
            "lms_person": current_person,
            "lms_site_name": app.config["LMS_SITE_NAME"],
            "lms_standalone": state.standalone,
        }


def _feature_blueprints() -> list[Blueprint]:
    """Blueprints of the feature areas, mounted under the parent blueprint."""
    from lms.api.views import bp as api_bp
    from lms.audit.views import bp as audit_bp
    from lms.candidates.views import bp as candidates_bp
    from lms.certification.views import bp as certification_bp
    from lms.courses.views import bp as courses_bp
    from lms.quizzes.views import bp as quizzes_bp
    from lms.reports.views import bp as reports_bp
    from lms.scenarios.views import bp as scenarios_bp

    return [courses_bp, quizzes_bp, scenarios_bp, certification_bp, reports_bp,
            candidates_bp, audit_bp, api_bp]


def _register_cli(app: Flask) -> None:
    from lms.cli import lms_cli

    app.cli.add_command(lms_cli)


def _register_app_error_pages(app: Flask) -> None:
    """In standalone mode the LMS owns the whole site, so it renders every error page."""
    from lms.web.errors import error_page

    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, error_page)

    @app.shell_context_processor
    def _shell():  # pragma: no cover - convenience for `flask shell`
        from lms.db import session

        return {"session": session, "Person": Person}
