"""The learner home and the health check (blueprint ``home``: ``lms.home.index``).

The home lists the person's courses with their certification progress and open review
tasks; an admin without training of their own lands on the organisation report instead.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, url_for

from lms.accounts.access import current_person, login_required
from lms.certification import reviews as review_tasks
from lms.certification import services as certification
from lms.courses import localized
from lms.db import database_answers
from lms.learning.access import courses_with_standing
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
    versions, standing = courses_with_standing(person)
    progress = certification.progress_for_many(person.id, versions, standing=standing)
    cards = [
        {
            "version": v,
            "cycle": progress[v.course_id][0],
            "needs": progress[v.course_id][1],
            "progress": progress[v.course_id][2],
        }
        for v in versions
    ]
    reviews = review_tasks.open_reviews_of(
        person.id, [course for course, periods in standing.periods.items() if periods]
    )
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
    if not database_answers():
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})
