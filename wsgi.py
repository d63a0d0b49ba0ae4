"""Production entry point: ``gunicorn --workers 4 wsgi:app``.

Set SECRET_KEY, DATABASE_URL (postgresql+psycopg://...) and LMS_RATELIMIT_STORAGE_URI
(redis://...) in the environment. Behind a reverse proxy, set LMS_PROXY_FIX=1 so URLs and
client addresses (used by the sign-in rate limit) come from X-Forwarded-* headers.
"""

import os

from app import create_app

if not os.environ.get("SECRET_KEY"):
    raise RuntimeError(
        "wsgi.py is the production entry point: set SECRET_KEY in the environment. "
        "For development use `flask --app app ...` or `make run`."
    )

app = create_app()

# Several workers (or servers) each keep their own memory:// counters, so the sign-in limit
# would be multiplied by their number: production needs shared storage.
if app.config["LMS_RATELIMIT_STORAGE_URI"].startswith("memory://") and not app.config.get(
    "LMS_SINGLE_PROCESS"
):
    raise RuntimeError(
        "LMS_RATELIMIT_STORAGE_URI is memory://, which every gunicorn worker keeps on its own: "
        "set it to shared storage (redis://host:6379), or set LMS_SINGLE_PROCESS=1 if this "
        "really is one process on one server."
    )
