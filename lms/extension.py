"""The Flask extension: ``LMS(app, mode=...)`` or ``LMS().init_app(app, mode=...)``.

Follows Flask's extension guide: configuration ``LMS_*`` set with ``setdefault``, all
per-app state in ``app.extensions["lms"]`` (never ``self.app``), one parent blueprint
mounted at ``LMS_URL_PREFIX``, templates namespaced under ``lms/`` and rendered in the
LMS's own overlay of the app's Jinja environment, and a ``flask lms`` command group.

Two modes, always said explicitly, so the order of ``init_app`` calls never changes them:

``standalone``
    The LMS is the whole app (``app.py``): it creates the Flask-SQLAlchemy, Flask-Login,
    Flask-Babel and Flask-Limiter instances it needs (reusing any that exist), owns the
    sign-in page and renders every error page.
``host``
    The LMS is a guest in a portal. It creates nothing app-wide: the host's
    Flask-SQLAlchemy and Flask-Login are looked up when first needed (so they may be
    initialised before or after the LMS), people are signed in by the host and mapped to
    LMS people by the ``identity`` hook, and the only things added to the app are the
    ``lms`` blueprint, the ``flask lms`` commands, the ``lms_id`` URL converter, and two
    adjustments the host's own extensions need (see ``lms.hosting``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask
from werkzeug.routing import IntegerConverter

from lms.accounts.access import current_person
from lms.accounts.language import bp as language_bp
from lms.accounts.models import Person
from lms.accounts.provisioning import Identity, default_identity
from lms.api.views import bp as api_bp
from lms.audit.views import bp as audit_bp
from lms.candidates.views import bp as candidates_bp
from lms.certification import receivers
from lms.certification.views import bp as certification_bp
from lms.cli import lms_cli
from lms.config import LMSConfigError, apply_defaults
from lms.courses import estimates
from lms.db import MAX_ID, Base
from lms.hosting import init_host
from lms.learning.assessments import bp as quizzes_bp
from lms.learning.course_pages import bp as courses_bp
from lms.learning.home import bp as home_bp
from lms.learning.scenario_pages import bp as scenarios_bp
from lms.people.views import bp as accounts_bp
from lms.registry import check_registries
from lms.reports.export_views import bp as exports_bp
from lms.reports.views import bp as reports_bp
from lms.standalone import init_standalone, limit_sign_in
from lms.web.errors import register_blueprint_errors
from lms.web.headers import add_security_headers
from lms.web.inputs import refuse_control_characters
from lms.web.transactions import commit_if_nothing_written

MODES = ("standalone", "host")

IdentityHook = Callable[[Any], "Identity | None"]


@dataclass
class LMSState:
    """Everything the LMS keeps per app, stored in ``app.extensions["lms"]``."""

    app: Flask
    mode: str
    identity: IdentityHook
    url_prefix: str
    limiter: Any = None  # standalone only: throttles the sign-in form
    api_blueprint: Blueprint | None = None
    #: Who is signed in (``lms.accounts.access.current_person``), handed to the layers
    #: below accounts that need it (``lms.i18n`` reads their saved language with it).
    current_person: Callable[[], Any] = field(default=lambda: None)
    #: Names the areas above ``lms.web`` add to every LMS template (``lms_person``...).
    template_globals: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def standalone(self) -> bool:
        return self.mode == "standalone"

    @property
    def db(self):
        """The app's Flask-SQLAlchemy instance (the host's in host mode)."""
        db = self.app.extensions.get("sqlalchemy")
        if db is None:
            raise LMSConfigError(
                "the LMS needs Flask-SQLAlchemy on this app: call db.init_app(app) "
                "(before or after LMS(app, mode='host'))"
            )
        return db

    @property
    def login_manager(self):
        """The app's Flask-Login manager (the host's in host mode)."""
        manager = getattr(self.app, "login_manager", None)
        if manager is None:
            raise LMSConfigError(
                "the LMS in host mode signs people in through the host's Flask-Login: "
                "call login_manager.init_app(app) (before or after LMS(app, mode='host'))"
            )
        return manager


class LMS:
    """The training and certification LMS as a Flask extension.

    ``LMS(app, mode="host", identity=fn)`` or ``LMS().init_app(app, mode="standalone")``.
    Other options are config keys without the prefix (``url_prefix="/training"`` sets
    ``LMS_URL_PREFIX``). ``identity`` (host mode) is a function of the host's
    ``current_user`` returning an :class:`lms.Identity`, or None to deny access; without
    it the user's ``get_id()``, ``email`` and ``name`` are used.
    """

    def __init__(self, app: Flask | None = None, **options: Any) -> None:
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, **options: Any) -> None:
        opts = {**self._options, **options}
        identity = opts.pop("identity", None)
        mode = opts.pop("mode", None) or app.config.get("LMS_MODE")
        if mode not in MODES:
            raise LMSConfigError(
                "say which mode the LMS runs in: LMS(app, mode='host') inside a portal that "
                "signs people in with its own Flask-Login, or mode='standalone' for the "
                f"LMS's own accounts (got {mode!r})"
            )
        if "lms" in app.extensions:
            raise LMSConfigError("the LMS is already initialised on this app")
        apply_defaults(app, opts)
        app.config["LMS_MODE"] = mode

        state = LMSState(
            app=app,
            mode=mode,
            identity=identity or default_identity,
            url_prefix=app.config["LMS_URL_PREFIX"] or "",
            current_person=current_person,
            template_globals={
                "lms_person": current_person,
                "lms_minutes_left": estimates.minutes_left_on,
                "lms_module_minutes": estimates.module_minutes_of,
            },
        )
        app.extensions["lms"] = state

        if mode == "standalone":
            init_standalone(app, state)
        _register_blueprints(app, state)
        _register_cli(app)
        if mode == "host":
            init_host(app, state)

        check_registries()
        receivers.connect()  # the LMS's own: certification answers passes and new versions


class IdConverter(IntegerConverter):
    """``<lms_id:...>``: a positive id that fits the INTEGER columns (32-bit on
    PostgreSQL). A larger number in a URL is a 404, never a database error."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def _register_blueprints(app: Flask, state: LMSState) -> None:
    app.url_map.converters.setdefault("lms_id", IdConverter)
    parent = Blueprint(
        "lms",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/lms-static",
    )
    register_blueprint_errors(parent)
    parent.before_request(refuse_control_characters)
    parent.teardown_request(commit_if_nothing_written)  # keeps PostgreSQL's plans
    if state.standalone:
        app.after_request(add_security_headers)  # the LMS is the site: every response
    else:
        parent.after_request(add_security_headers)  # a guest: its own routes only
    parent.register_blueprint(home_bp)
    parent.register_blueprint(language_bp)
    if state.standalone:
        parent.register_blueprint(accounts_bp)
    for bp in _feature_blueprints():
        parent.register_blueprint(bp)
        if bp.name == "api":
            state.api_blueprint = bp
    app.register_blueprint(parent, url_prefix=state.url_prefix or None)

    if state.limiter is not None:
        limit_sign_in(app, state)


def _feature_blueprints() -> list[Blueprint]:
    """Blueprints of the feature areas, mounted under the parent blueprint."""
    return [
        courses_bp,
        quizzes_bp,
        scenarios_bp,
        certification_bp,
        reports_bp,
        exports_bp,
        candidates_bp,
        audit_bp,
        api_bp,
    ]


def _register_cli(app: Flask) -> None:
    app.cli.add_command(lms_cli)


__all__ = ["LMS", "LMSConfigError", "LMSState", "Identity", "Person", "Base"]
