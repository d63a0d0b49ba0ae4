"""Configuration keys of the LMS and their defaults.

Every key the LMS reads starts with ``LMS_`` and is applied with ``setdefault``, so
whatever the host (or ``app.py``) set in the config first wins. ``init_app`` options are
the same keys without the prefix (``url_prefix="/training"`` for ``LMS_URL_PREFIX``).

Two sets live beside the code that reads them: the outbox worker's ``LMS_OUTBOX_*`` keys
(``lms.outbox.worker.DEFAULTS``, applied the same way), and the deployment switches
``wsgi.py`` reads from the environment (``LMS_PROXY_FIX``, ``LMS_SINGLE_PROCESS``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask


class LMSConfigError(RuntimeError):
    """The LMS was set up in a way it cannot work with; the message says what to change.

    Importable from ``lms.extension`` too (it raises most of them)."""


DEFAULTS: dict[str, object] = {
    # "host" or "standalone"; usually passed as LMS(app, mode=...).
    "LMS_MODE": None,
    # Where the LMS is mounted. app.py sets "" to serve it at the root.
    "LMS_URL_PREFIX": "/training",
    # Folder of course folders; None means `courses/` in the app's root folder.
    "LMS_COURSES_DIR": None,
    # Alembic history of the lms_* tables; None means the one shipped with the package.
    "LMS_MIGRATIONS_DIR": None,
    # Calendar: certification dates are dates in this zone; LMS_TODAY pins "today".
    "LMS_TIMEZONE": "UTC",
    "LMS_TODAY": None,
    "LMS_SITE_NAME": "Policy training",
    "LMS_DEFAULT_LOCALE": "en",
    # A translated course item whose source changed since it was translated: "show" the
    # translation with a note that it may be out of date, or show the "source" text.
    "LMS_STALE_TRANSLATIONS": "show",
    # The language course sources are written in: a page in it reads no translations.
    "LMS_COURSE_SOURCE_LANGUAGE": "en",
    # Public URL of the app's root (scheme://host[/script-root]) for links in e-mails and
    # certificate QR codes. None: inside a request the request's own URL is used.
    "LMS_BASE_URL": None,
    # Layout every LMS page extends (see README "Host layout"); it must define the blocks
    # `title`, `head` and `content`.
    "LMS_BASE_TEMPLATE": "lms/layout.html",
    # Host mode, LMS's own layout: where "Portal home" and "Sign out" point (an endpoint
    # or a URL); no sign-out link when LMS_PORTAL_LOGOUT is None.
    "LMS_PORTAL_HOME": "/",
    "LMS_PORTAL_LOGOUT": None,
    "LMS_PORTAL_LOGOUT_METHOD": "get",
    # Host mode: refresh a person's name, e-mail, role, department and manager from the
    # host's identity on each visit when they changed.
    "LMS_SYNC_PROFILE": True,
    "LMS_DEMO_PASSWORD": "training-demo",
    "LMS_DEMO_COURSE": "social-media-policy",  # the course the demo history is about
    # werkzeug hash method for passwords; tests use a cheap one to stay fast.
    "LMS_PASSWORD_HASH_METHOD": "scrypt",
    # Sign-in throttling (standalone; Flask-Limiter syntax); memory:// or redis://...
    "LMS_LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "LMS_RATELIMIT_STORAGE_URI": "memory://",
    "LMS_RATELIMIT_KEY_PREFIX": "lms",
    # Per account (the e-mail typed), next to the per-address limit above.
    "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute;20 per hour",
    # Password-reset requests per client address, and how long a reset link works.
    "LMS_PASSWORD_RESET_RATE_LIMIT": "5 per hour",
    "LMS_PASSWORD_RESET_MAX_AGE_MINUTES": 60,
    # E-mail: console (print), file (one .eml per message in LMS_MAIL_FILE_DIR), smtp, memory.
    "LMS_MAIL_BACKEND": "console",
    "LMS_MAIL_FROM": "Policy training <training@example.com>",
    "LMS_MAIL_FILE_DIR": "instance/outbox",
    "LMS_SMTP_HOST": "localhost",
    "LMS_SMTP_PORT": 587,
    "LMS_SMTP_USERNAME": None,
    "LMS_SMTP_PASSWORD": None,
    "LMS_SMTP_STARTTLS": True,
    # Report and export queries on PostgreSQL are cancelled after this long (a 503 page).
    "LMS_REPORT_TIMEOUT_MS": 20000,
    # Exports of more rows (people x courses) than this run as a background job of the
    # outbox worker; its result is kept this many hours, its queries get this long.
    "LMS_EXPORT_BACKGROUND_ROWS": 5000,
    "LMS_EXPORT_KEEP_HOURS": 24,
    "LMS_EXPORT_TIMEOUT_MS": 3_600_000,
    "LMS_EXPORT_CHUNK_ROWS": 5000,  # rows per stored chunk (and per progress update)
    # Security headers (lms/web/headers.py): None = the LMS's strict policy, "" = none.
    "LMS_CONTENT_SECURITY_POLICY": None,
    "LMS_FRAME_ANCESTORS": "'self'",
    # The largest course file (policy, lesson, question or scenario file) check-courses reads.
    "LMS_COURSE_FILE_MAX_BYTES": 1_000_000,
    # xAPI statements to a Learning Record Store (lms/xapi): off without an endpoint.
    "LMS_XAPI_ENDPOINT": None,  # https://lrs.example.com/xAPI/
    "LMS_XAPI_USERNAME": None,
    "LMS_XAPI_PASSWORD": None,
    "LMS_XAPI_ACTOR": "account",  # or "mbox"
    "LMS_XAPI_ACCOUNT_HOMEPAGE": None,  # default: the LMS's own URL
    "LMS_XAPI_VERB_BASE": None,  # default: <LMS URL>/xapi/verbs/ for renewed, expired, revoked
    # Candidate invitations.
    "LMS_INVITE_MAX_AGE_DAYS": 14,
    # How long a page's form works (seconds; None: as long as the session). Flask-WTF's
    # default of an hour threw away the answers of a learner who read for longer.
    "LMS_CSRF_TIME_LIMIT": 12 * 3600,
}


def apply_defaults(app: Flask, options: dict) -> None:
    """Fill in ``init_app`` options (``url_prefix=`` -> ``LMS_URL_PREFIX``), then defaults.

    A key already in the app's config wins over both, so a deployment can override what
    the host's code passes to ``init_app``.
    """
    config = app.config
    for key, value in options.items():
        name = key if key.startswith("LMS_") else f"LMS_{key.upper()}"
        config.setdefault(name, value)
    for key, value in DEFAULTS.items():
        config.setdefault(key, value)
    if not config["LMS_COURSES_DIR"]:
        config["LMS_COURSES_DIR"] = str(Path(app.root_path) / "courses")
    if config["LMS_STALE_TRANSLATIONS"] not in ("show", "source"):  # fail at start, not per page
        raise ValueError(
            f"LMS_STALE_TRANSLATIONS must be 'show' or 'source', got "
            f"{config['LMS_STALE_TRANSLATIONS']!r}"
        )
