"""The learner home and the health check."""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from lms.accounts.access import current_person, login_required
from lms.db import session

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    from lms.courses import services as courses

    person = current_person()
    return render_template("lms/home.html", person=person, courses=courses.courses_for(person))


@bp.route("/healthz")
def healthz():
    """200 ``{"status": "ok"}`` when the database answers, 503 otherwise (for load balancers)."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        with suppress(Exception):
            session.remove()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})
