"""The learner path: course page, module pages, the policy and what changed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for

from lms.accounts.access import current_person, login_required
from lms.certification import acknowledgements, policy_document
from lms.certification import services as certification
from lms.certification.forms import AcknowledgeForm, name_mismatch
from lms.courses import localized, services
from lms.courses.models import CourseVersion
from lms.courses.structure import modules_of, structure
from lms.db import MAX_ID
from lms.i18n import gettext as _
from lms.learning.access import (
    course_and_attempt_or_404,
    course_or_404,
    course_with_standing_or_404,
    version_or_404,
)
from lms.learning.answers import submit_answers
from lms.quizzes import services as quizzes
from lms.quizzes import visits
from lms.web import resume
from lms.web.templating import render

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.route("/<slug>/")
@login_required
def course(slug: str):
    version, standing = course_with_standing_or_404(slug)
    person = current_person()
    cycle, needs, progress = certification.progress_for(person.id, version, standing=standing)
    texts = localized.load(
        [(version.id, "course", None), (version.id, "module", None), (version.id, "scenario", None)]
    )
    return render(
        "lms/courses/course.html",
        version=texts.version(version),
        progress=texts.progress(version.id, progress),
        cycle=cycle,
        needs=needs,
        person=person,
    )


@bp.route("/<slug>/modules/<key>", methods=["GET"])
@login_required
def module(slug: str, key: str):
    version = course_or_404(slug)
    person = current_person()
    modules = modules_of(version)
    index = next((i for i, m in enumerate(modules) if m.key == key), None)
    if index is None:
        abort(404)
    current = modules[index]
    sections = structure(version).sections_for(current.section_keys)
    open_check = visits.visit_module(person.id, current, version.course_id)

    result = _shown_result(person.id, version.course_id, key)
    check = (
        None
        if (result is not None and result.passed)
        else open_check or quizzes.check_for(person.id, version, current)
    )
    texts = localized.load(
        [
            (version.id, "course", None),
            (version.id, "module", None),
            (version.id, "lesson", [key]),
            (version.id, "section", current.section_keys),
            *(
                (a.version_id, "question", [q["id"] for q in a.questions])
                for a in (check, result)
                if a
            ),
        ]
    )
    check_questions = (
        texts.page_questions(check.version_id, check.questions, quizzes.questions_for_page(check))
        if check
        else []
    )
    return render(
        "lms/courses/module.html",
        version=texts.version(version),
        module=texts.module(current),
        sections=texts.sections(sections),
        check=check,
        check_questions=check_questions,
        check_key=_kept_fields_key(texts, check, check_questions),
        result=texts.attempt(result),
        position=index + 1,
        total=len(modules),
        kept=resume.take_answers() if check else None,
        previous=texts.module(modules[index - 1]) if index else None,
        next=texts.module(modules[index + 1]) if index + 1 < len(modules) else None,
    )


def _shown_result(person_id: int, course_id: int, key: str):
    """The submitted check named by ``?result=``, when it is this person's on this module."""
    result_id = request.args.get("result", type=int)
    if not result_id or not 0 < result_id <= MAX_ID:
        return None
    result = quizzes.own_attempt(person_id, result_id)
    if result is None or (
        result.course_id != course_id or result.module_key != key or not result.submitted_at
    ):
        return None  # another module's (or course's) result is not this page's
    return result


def _kept_fields_key(texts, check, check_questions):
    """What the kept question fields are keyed by (lms.web.fragments).

    The attempt itself when no translation of its questions was read (the page is in the
    sources' language: its fields follow from the attempt's drawn questions, the locale and
    the secret key its answer tokens are signed with), else the translated questions
    themselves (tokens included).
    """
    if check and not any(texts.get(check.version_id, "question", q["id"]) for q in check.questions):
        return (check.id, check.seed, current_app.secret_key)
    return check_questions


@bp.route("/<slug>/modules/<key>/check/<lms_id:attempt_id>", methods=["POST"])
@login_required
def submit_check(slug: str, key: str, attempt_id: int):
    _, attempt = course_and_attempt_or_404(slug, attempt_id)
    if attempt is None or attempt.kind != "check" or attempt.module_key != key:
        # Someone else's attempt does not exist, as far as this person knows; one of
        # another course (which may have a module of the same key) is not this page's.
        abort(404)
    if not submit_answers(attempt):
        return redirect(url_for(".module", slug=slug, key=key) + "#check")
    # ``attempt_id``, not ``attempt.id``: the commit expired the row (no re-read for it)
    return redirect(url_for(".module", slug=slug, key=key, result=attempt_id) + "#check")


@bp.route("/<slug>/policy")
@login_required
def policy(slug: str):
    """The policy; with the acknowledgement form when the course asks for one."""
    return _policy_page(course_or_404(slug))


@bp.route("/<slug>/policy/acknowledge", methods=["POST"])
@login_required
def acknowledge(slug: str):
    """Sign the policy acknowledgement: the statement ticked and the person's own name."""
    version = course_or_404(slug)
    if not acknowledgements.asks_for_it(version):
        abort(404)
    person = current_person()
    form = AcknowledgeForm()
    if form.validate_on_submit():
        if acknowledgements.sign_as(person, version, form.name.data):
            flash(_("Thank you: your acknowledgement of the policy is recorded."), "success")
            return redirect(url_for(".course", slug=slug))
        form.name.errors.append(name_mismatch(person))
    return _policy_page(version, form, 422)


def _policy_page(version: CourseVersion, form: AcknowledgeForm | None = None, status: int = 200):
    sections = structure(version).sections
    acknowledged = ack_form = None
    if acknowledgements.asks_for_it(version):
        acknowledged = acknowledgements.current_for(current_person().id, version)
        ack_form = None if acknowledged else (form or AcknowledgeForm())
    texts = localized.load([(version.id, "preamble", None), (version.id, "section", None)])
    return render(
        "lms/courses/policy.html",
        version=texts.version(version),
        sections=texts.sections(sections),
        acknowledged=acknowledged,
        ack_form=ack_form,
    ), status


@bp.route("/<slug>/versions/<lms_id:number>/policy.pdf")
@login_required
def policy_pdf(slug: str, number: int):
    """The policy text of one version as a printable PDF (any signed-in person)."""
    version = version_or_404(slug, number)
    data = policy_document.render(version)
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}-policy-v{version.number}.pdf"'
        },
    )


@bp.route("/<slug>/versions/")
@login_required
def versions(slug: str):
    latest = course_or_404(slug)
    rows = services.versions_of(latest.course_id)
    texts = localized.load([(latest.id, "course", None)])
    return render("lms/courses/versions.html", version=texts.version(latest), versions=rows)


@bp.route("/<slug>/versions/<lms_id:number>/changes")
@login_required
def changes(slug: str, number: int):
    latest = course_or_404(slug)
    new = services.version_by_number(latest.course_id, number)
    if new is None:
        abort(404)
    old = services.version_by_number(latest.course_id, number - 1)
    texts = localized.load([(latest.id, "course", None), *services.change_wants(old, new)])
    diff = services.policy_changes(old, new, texts=texts)
    return render(
        "lms/courses/changes.html", version=texts.version(latest), new=new, old=old, changes=diff
    )
