"""The learner home and the health check (blueprint ``home``: ``lms.home.index``).

The home lists the person's courses with their certification progress and open review
tasks; an admin without training of their own lands on the organisation report instead.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, current_app, jsonify, redirect, url_for
from sqlalchemy import select, text

from lms.accounts.access import current_person, login_required
from lms.certification import services as certification
from lms.certification.models import ReviewTask
from lms.courses import localized
from lms.courses.models import CourseVersion
from lms.db import session
from lms.learning.access import courses_for
from lms.reports.landing import lands_on_org_report
from lms.web.templating import render

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    person = current_person()
    # Standalone: an admin's start page is the organisation overview (a host portal has
    # its own start page, and its admins may well be learners first).
    if current_app.extensions["lms"].standalone and lands_on_org_report(person):
        return redirect(url_for("lms.reports.org"))
    versions = courses_for(person)
    progress = certification.progress_for_many(person.id, versions)
    cards = [
        {
            "version": v,
            "cycle": progress[v.course_id][0],
            "needs": progress[v.course_id][1],
            "progress": progress[v.course_id][2],
        }
        for v in versions
    ]
    reviews = session.execute(
        select(ReviewTask, CourseVersion)
        .join(CourseVersion, CourseVersion.id == ReviewTask.to_version_id)
        .where(ReviewTask.person_id == person.id, ReviewTask.acknowledged_at.is_(None))
        .order_by(ReviewTask.due_on)
    ).all()
    # Module and scenario titles too: the Continue button names the next one.
    texts = localized.load(
        [
            *((v.id, kind, None) for v in versions for kind in ("course", "module", "scenario")),
            *((v.id, "course", None) for _task, v in reviews),
        ]
    )
    for card in cards:
        card["progress"] = texts.progress(card["version"].id, card["progress"])
        card["version"] = texts.version(card["version"])
    reviews = [(task, texts.version(v)) for task, v in reviews]
    return render("lms/home.html", person=person, cards=cards, reviews=reviews)


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
