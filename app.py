"""The standalone LMS: ``create_app()`` = Flask + the LMS on its own accounts.

    flask --app app lms db upgrade && flask --app app run

Configuration comes from the environment: ``SECRET_KEY``, ``DATABASE_URL`` (default: a
SQLite file in ``instance/``), any ``LMS_*`` key (see lms/config.py and README.md) and
Flask's cookie and session settings (``ENV_PREFIXES``).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import LMS
from lms.db import Base
from lms.migrate import migrations_directory

HERE = Path(__file__).resolve().parent

#: Settings read from the environment: the LMS's own, and Flask's and Flask-Login's cookie
#: and session settings (SESSION_COOKIE_SECURE=true, REMEMBER_COOKIE_DURATION=86400, ...).
ENV_PREFIXES = (
    "LMS_",
    "SESSION_COOKIE_",
    "REMEMBER_COOKIE_",
    "PERMANENT_SESSION_LIFETIME",
    "PREFERRED_URL_SCHEME",
    "RATELIMIT_",
)


def _env_value(raw: str):
    """``LMS_SMTP_PORT=25`` is an int, ``LMS_SMTP_STARTTLS=false`` a bool, else a string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the standalone app; ``test_config`` overrides everything (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'lms.sqlite3'}",
        LMS_URL_PREFIX="",
        LMS_COURSES_DIR=str(HERE / "courses"),
        LMS_BASE_URL="http://127.0.0.1:5000",
        LMS_MAIL_FILE_DIR=str(instance / "outbox"),
    )
    app.config.update(
        {k: _env_value(v) for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    db = SQLAlchemy(model_class=Base)
    db.init_app(app)
    LMS(app, mode="standalone")
    # `flask --app app db upgrade` for the standalone app; hosts use `flask lms db upgrade`.
    with app.app_context():
        Migrate(app, db, directory=str(migrations_directory()))
    if app.config.get("LMS_PROXY_FIX"):
        # Behind a reverse proxy: client address, scheme, host and prefix from X-Forwarded-*.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    return app
