"""Final and refresher assessments: start, answer, result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for

from lms.accounts.access import current_person, login_required
from lms.certification import services as certification
from lms.courses import localized
from lms.courses.services import version_by_id
from lms.courses.structure import structure
from lms.i18n import gettext as _
from lms.learning.access import course_with_standing_or_404
from lms.learning.answers import submit_answers
from lms.quizzes import services
from lms.quizzes.models import Attempt
from lms.web import resume
from lms.web.csrf import csrf_valid
from lms.web.templating import render

bp = Blueprint("quizzes", __name__)


@bp.route("/courses/<slug>/assessment", methods=["GET", "POST"])
@login_required
def assessment(slug: str):
    version, standing = course_with_standing_or_404(slug)
    person = current_person()
    cycle, needs, progress, attempts = certification.progress_and_attempts_for(
        person.id, version, standing=standing
    )
    if request.method == "POST":
        if not csrf_valid():
            flash(_("The page had expired. Please press Start again."), "warning")
            return redirect(url_for(".assessment", slug=slug))
        try:
            attempt = services.start_assessment(
                person.id,
                version,
                progress.assessment,
                kind=needs.kind,
                draw=needs.draw,
                needs=needs,
            )
        except services.AttemptNotAllowed:
            flash(_("The assessment cannot be started right now."), "warning")
            return redirect(url_for(".assessment", slug=slug))
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    history, open_one = services.history_and_open(attempts)
    texts = localized.load([(version.id, "course", None)])
    return render(
        "lms/quizzes/assessment.html",
        version=texts.version(version),
        cycle=cycle,
        needs=needs,
        progress=progress,
        gate=progress.assessment,
        history=history,
        open_attempt=open_one,
    )


def _own(attempt_id: int) -> Attempt:
    """The signed-in person's assessment attempt, else 404 (a check lives on its module)."""
    attempt = services.own_attempt(current_person().id, attempt_id)
    if attempt is None or attempt.kind == "check":
        abort(404)  # someone else's attempt does not exist, as far as this person knows
    return attempt


@bp.route("/attempts/<lms_id:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    attempt = _own(attempt_id)
    version = version_by_id(attempt.version_id)
    if request.method == "POST":
        if not submit_answers(attempt, every_question=True):
            return redirect(url_for(".attempt", attempt_id=attempt.id))
        return redirect(url_for(".result", attempt_id=attempt.id))
    if attempt.submitted_at is not None:
        return redirect(url_for(".result", attempt_id=attempt.id))
    texts = localized.load(
        [
            (version.id, "course", None),
            (attempt.version_id, "question", [q["id"] for q in attempt.questions]),
        ]
    )
    questions = texts.page_questions(
        attempt.version_id, attempt.questions, services.questions_for_page(attempt)
    )
    return render(
        "lms/quizzes/attempt.html",
        attempt=attempt,
        version=texts.version(version),
        questions=questions,
        kept=resume.take_answers(),
    )


@bp.route("/attempts/<lms_id:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = _own(attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    version = version_by_id(attempt.version_id)
    titles = structure(version).section_titles  # in course order
    reveal = version.course_settings.assessment.reveal_answers
    missed = [r for r in attempt.results if not r["correct"]]
    texts = localized.load(
        [
            (version.id, "course", None),
            (version.id, "section", None),
            (version.id, "question", [r["id"] for r in missed]),
        ]
    )
    by_id = {q["id"]: q for q in texts.questions(version.id, attempt.questions)}
    wrong = [(by_id[r["id"]], r) for r in missed]
    reread = sorted({r["section"] for _q, r in wrong}, key=list(titles).index)
    cycle, needs, progress = certification.progress_for(attempt.person_id, version)
    return render(
        "lms/quizzes/result.html",
        attempt=attempt,
        version=texts.version(version),
        wrong=wrong,
        reread=reread,
        titles=texts.section_titles(version.id, titles),
        reveal=reveal,
        progress=progress,
        cycle=cycle,
    )
