"""Candidate pages: the invite list (admins and managers), hiring, erasure, and the
public page where a candidate accepts an invitation.

Admins see every candidate; a manager sees only their own (invited by them or with them
as manager) and gets a 404 for anyone else's. Employees and candidates get a 403.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    url_for,
)
from wtforms import SelectChoice

from lms.accounts import sessions
from lms.accounts.access import current_person, roles_required
from lms.accounts.models import Person
from lms.candidates import queries, services
from lms.candidates.forms import AcceptForm, EraseForm, HireForm, InviteForm
from lms.courses.services import latest_versions
from lms.db import utcnow
from lms.i18n import gettext as _
from lms.web.forms import form_status
from lms.web.templating import render

bp = Blueprint("candidates", __name__)

STAFF = ("admin", "manager")


def _candidate_or_404(candidate_id: int) -> Person:
    candidate = services.find_candidate(current_person(), candidate_id)
    if candidate is None:
        abort(404)
    return candidate


@bp.route("/candidates/", methods=["GET", "POST"])
@roles_required(*STAFF)
def index():
    me = current_person()
    form = InviteForm()
    versions = latest_versions()
    form.courses.choices = [SelectChoice(v.course_id, v.title) for v in versions]
    if form.validate_on_submit():
        try:
            person, _url = services.invite(
                form.email.data,
                form.name.data,
                form.courses.data,
                form.due_on.data,
                by=me,
                department=(form.department.data or "").strip() or None,
            )
        except services.AlreadyExists:
            form.email.errors.append(_("A person with this e-mail address already exists."))
        except services.CandidateError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("Invitation sent to %(email)s.", email=person.email), "success")
            return redirect(url_for(".index"))
    candidates, invites = queries.candidate_list(me)
    status = form_status(form)
    return render(
        "lms/candidates/index.html",
        form=form,
        candidates=candidates,
        invites=invites,
        now=utcnow(),
        standalone=current_app.extensions["lms"].standalone,
    ), status


@bp.route("/candidates/<lms_id:candidate_id>/hire", methods=["GET", "POST"])
@roles_required(*STAFF)
def hire(candidate_id: int):
    me = current_person()
    candidate = _candidate_or_404(candidate_id)
    form = HireForm()
    managers = services.eligible_managers(me)
    form.manager.choices = [SelectChoice(m.id, f"{m.name} <{m.email}>") for m in managers]
    if not form.is_submitted():
        form.department.data = candidate.department
        form.manager.data = services.default_manager(candidate, me, managers)
    if form.validate_on_submit():
        manager = next(m for m in managers if m.id == form.manager.data)
        try:
            services.hire(candidate, me, manager, form.department.data)
        except services.CandidateError:
            form.manager.errors.append(_("Choose a manager in your reporting tree."))
        else:
            flash(
                _(
                    "%(name)s is now an employee. Their training records are kept.",
                    name=candidate.name,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    status = form_status(form)
    return render("lms/candidates/hire.html", form=form, candidate=candidate), status


@bp.route("/candidates/<lms_id:candidate_id>/erase", methods=["GET", "POST"])
@roles_required(*STAFF)
def erase(candidate_id: int):
    """GET shows what will be erased and what is kept; POST (with CSRF) erases."""
    me = current_person()
    candidate = _candidate_or_404(candidate_id)
    form = EraseForm(candidate.email)
    if form.validate_on_submit():
        services.erase(candidate, me)
        flash(_("The candidate's personal data was erased."), "success")
        return redirect(url_for(".index"))
    kept = queries.kept_records(candidate.id)
    status = form_status(form)
    return render("lms/candidates/erase.html", form=form, candidate=candidate, kept=kept), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The public page where a candidate accepts an invitation and sets a password.

    Standalone mode only: in a host app people sign in with the host's own accounts, so
    hosts invite candidates through those accounts and this page is a 404 there.

    A link that was used or has expired answers 410 Gone, an unknown or tampered one 404,
    each with a page that says so and how to get a new link.
    """
    if not current_app.extensions["lms"].standalone:
        abort(404)
    try:
        invite = services.check(token)
    except services.InviteError as exc:
        return _invite_refused(exc.reason)
    form = AcceptForm()
    if not form.is_submitted():
        form.name.data = queries.invited_person(invite).name
    if form.validate_on_submit():
        try:
            person = services.accept(token, form.name.data, form.password.data)
        except services.InviteError as exc:
            return _invite_refused(exc.reason)
        except ValueError as exc:
            form.password.errors.append(str(exc))
        else:
            sessions.sign_in(person)
            flash(
                _("Welcome! Your password is set and your onboarding training is below."), "success"
            )
            return redirect(url_for("lms.home.index"))
    status = form_status(form)
    return render("lms/candidates/accept.html", form=form), status


def _invite_refused(reason: str):
    status = 404 if reason == "invalid" else 410
    return render("lms/candidates/invite_refused.html", reason=reason), status
