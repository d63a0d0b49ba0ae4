"""Configuration keys of the LMS and their defaults.

Every key starts with ``LMS_`` and is applied with ``setdefault``, so whatever the host
(or ``app.py``) set first wins.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    # Where the LMS is mounted. app.py sets "" to serve it at the root.
    "LMS_URL_PREFIX": "/training",
    # Course sources (one folder per course) and the Alembic history of the lms_* tables.
    "LMS_COURSES_DIR": str(ROOT / "courses"),
    "LMS_MIGRATIONS_DIR": str(ROOT / "migrations"),
    # Calendar: certification dates are dates in this zone; LMS_TODAY pins "today".
    "LMS_TIMEZONE": "UTC",
    "LMS_TODAY": None,
    "LMS_SITE_NAME": "Policy training",
    # Absolute URL used for links in e-mails and certificate QR codes.
    "LMS_BASE_URL": "http://127.0.0.1:5000",
    "LMS_DEMO_PASSWORD": "training-demo",
    "LMS_DEMO_COURSE": "social-media-policy",  # the course the demo history is about
    # werkzeug hash method for passwords; tests use a cheap one to stay fast.
    "LMS_PASSWORD_HASH_METHOD": "scrypt",
    # Sign-in throttling (Flask-Limiter syntax); storage is memory:// or redis://...
    "LMS_LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "LMS_RATELIMIT_STORAGE_URI": "memory://",
    # E-mail: console (print), file (one .eml per message in LMS_MAIL_FILE_DIR), smtp, memory.
    "LMS_MAIL_BACKEND": "console",
    "LMS_MAIL_FROM": "Policy training <training@example.com>",
    "LMS_MAIL_FILE_DIR": "instance/outbox",
    "LMS_SMTP_HOST": "localhost",
    "LMS_SMTP_PORT": 587,
    "LMS_SMTP_USERNAME": None,
    "LMS_SMTP_PASSWORD": None,
    "LMS_SMTP_STARTTLS": True,
    # Candidate invitations.
    "LMS_INVITE_MAX_AGE_DAYS": 14,
}


def apply_defaults(config: dict, options: dict) -> None:
    """Copy ``init_app`` options (``url_prefix=`` -> ``LMS_URL_PREFIX``) then defaults."""
    for key, value in options.items():
        name = key if key.startswith("LMS_") else f"LMS_{key.upper()}"
        config[name] = value
    for key, value in DEFAULTS.items():
        config.setdefault(key, value)
