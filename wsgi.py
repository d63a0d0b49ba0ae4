"""Production entry point: ``gunicorn --workers 4 wsgi:app``.

Set SECRET_KEY and DATABASE_URL (postgresql+psycopg://...) in the environment. Behind a
reverse proxy, set LMS_PROXY_FIX=1 so URLs and client addresses (used by the sign-in
rate limit) come from X-Forwarded-* headers.
"""

import os

from app import create_app

if not os.environ.get("SECRET_KEY"):
    raise RuntimeError(
        "wsgi.py is the production entry point: set SECRET_KEY in the environment. "
        "For development use `flask --app app ...` or `make run`."
    )

app = create_app()
