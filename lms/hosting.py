"""What the LMS does in a host app (``mode="host"``): as little as possible.

The LMS creates nothing app-wide in a host. Two of the host's own extensions need one
adjustment each, and the LMS makes it whichever order they were initialised in:

* **Flask-Migrate.** The host's ``flask db migrate`` / ``flask db check`` compare the
  host's models with the database, where they would find the lms_* tables and propose to
  drop them. The LMS chains an ``include_name`` / ``include_object`` filter into the
  ``configure_args`` Flask-Migrate hands to Alembic, keeping any filter the host set. A host
  with its own ``env.py`` that does not pass ``configure_args`` uses
  :func:`lms.migrate.exclude_lms_tables` (one line, see the README).
* **Flask-WTF's CSRFProtect.** API clients authenticate with bearer tokens and send no CSRF
  token, so the LMS API blueprint is exempted from a host-wide ``CSRFProtect``. Every LMS
  form keeps its own CSRF check.

When either extension is initialised after the LMS, the adjustment is made when the app
context is first pushed with it present (a receiver of Flask's ``appcontext_pushed`` for
this app only, which disconnects itself once both are adjusted).
"""

from __future__ import annotations

from flask import Flask, appcontext_pushed

from lms.migrate import exclude_lms_tables


def init_host(app: Flask, state) -> None:
    """Adjust the host's Flask-Migrate and CSRFProtect now, or as soon as they appear."""
    if _adopt_host_extensions(app, state):
        return

    def adopt_later(sender: Flask, **_):
        if _adopt_host_extensions(sender, state):
            appcontext_pushed.disconnect(adopt_later, sender=app)

    appcontext_pushed.connect(adopt_later, sender=app, weak=False)


def _adopt_host_extensions(app: Flask, state) -> bool:
    """Make both adjustments that can be made; True when nothing is left to adjust."""
    done = state.extra.setdefault("host_adjusted", set())
    migrate = app.extensions.get("migrate")
    if "migrate" not in done and migrate is not None:
        args = migrate.configure_args
        args.update(exclude_lms_tables(args.get("include_object"), args.get("include_name")))
        done.add("migrate")
    csrf = app.extensions.get("csrf")
    if "csrf" not in done and csrf is not None and state.api_blueprint is not None:
        csrf.exempt(state.api_blueprint)
        done.add("csrf")
    return done >= {"migrate", "csrf"}
