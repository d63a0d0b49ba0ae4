"""A sample company portal, as a real host would be: its own Flask-SQLAlchemy models and
users, its own sign-in, base template, Flask-Migrate history, host-wide CSRFProtect and
rate limits, and the LMS embedded under /training in host mode.

The wheel test (tests/wheel) copies this file with its templates/ and migrations/ into a
folder outside the checkout and runs it against the LMS installed from the built wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, redirect, render_template_string, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms import LMS, Identity

HERE = Path(__file__).resolve().parent


class HostBase(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=HostBase)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
csrf = CSRFProtect()


class HostUser(UserMixin, db.Model):
    __tablename__ = "host_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    mail: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str | None] = mapped_column(String(200))
    is_hr: Mapped[bool] = mapped_column(default=False)
    department: Mapped[str | None] = mapped_column(String(120))
    boss_id: Mapped[int | None] = mapped_column(ForeignKey("host_user.id"))


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(HostUser, int(user_id))


def identity(user: HostUser) -> Identity:
    """The portal's mapping: its users have ``mail``; HR staff are LMS admins."""
    return Identity(
        external_id=f"host:{user.id}",
        email=user.mail,
        name=user.full_name or user.username,
        role="admin" if user.is_hr else "employee",
        department=user.department,
        manager_external_id=f"host:{user.boss_id}" if user.boss_id else None,
    )


auth = Blueprint("auth", __name__)


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "POST":
        user = db.session.scalar(db.select(HostUser).filter_by(username=request.form["username"]))
        if user is not None:
            login_user(user)
            return redirect(request.args.get("next") or url_for("portal_home"))
    return render_template_string(
        '{% extends "portal/base.html" %}{% block content %}<form method="post">'
        '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
        '<label>User <input name="username"></label><button>Sign in</button></form>'
        "{% endblock %}"
    )


@auth.route("/sign-out")
def sign_out():
    logout_user()
    return redirect(url_for("portal_home"))


def create_host_app(config: dict, *, lms_first: bool = False, with_lms: bool = True) -> Flask:
    """The portal. ``lms_first`` initialises the LMS before the portal's own extensions;
    ``with_lms=False`` builds the same portal without it (to compare)."""
    app = Flask(__name__, template_folder=str(HERE / "templates"))
    app.config.update(RATELIMIT_STORAGE_URI="memory://")
    app.config.update(config)
    lms = LMS(
        mode="host",
        url_prefix="/training",
        identity=identity,
        base_template="portal/base.html",
        portal_logout="auth.sign_out",
        # The portal's base template has an inline <style>: its own policy for LMS pages.
        content_security_policy="default-src 'self'; style-src 'self' 'unsafe-inline'",
    )
    if lms_first and with_lms:
        lms.init_app(app)
    db.init_app(app)
    login_manager.init_app(app)
    # The portal's own Alembic history; PORTAL_MIGRATE_ARGS are its env.py options.
    Migrate(
        app,
        db,
        directory=app.config.get("PORTAL_MIGRATIONS_DIR", str(HERE / "migrations")),
        **app.config.get("PORTAL_MIGRATE_ARGS", {}),
    )
    csrf.init_app(app)
    # The portal's own limits (RATELIMIT_DEFAULT from its config), with /ping exempt.
    limiter = Limiter(get_remote_address, app=app)
    if not lms_first and with_lms:
        lms.init_app(app)
    app.register_blueprint(auth)

    @app.route("/")
    def portal_home():
        who = current_user.username if current_user.is_authenticated else "guest"
        return f"Portal home for {who}"

    @app.route("/ping")
    @limiter.exempt
    def ping():
        return "pong"

    @app.route("/notes", methods=["POST"])
    def notes():
        return "saved"

    return app


def create_app_from_env() -> Flask:
    """``flask --app 'portal:create_app_from_env()'``: the portal configured from the
    environment (``DATABASE_URL``, ``SECRET_KEY`` and any ``LMS_*``), as a deployment is."""
    config = {
        "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
        "SECRET_KEY": os.environ.get("SECRET_KEY", "portal-secret"),
    }
    config.update({k: v for k, v in os.environ.items() if k.startswith("LMS_")})
    return create_host_app(config)
