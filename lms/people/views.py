"""Sign in and out (standalone mode only: a host signs people in itself)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for

from lms.accounts import services, sessions
from lms.accounts.access import current_person
from lms.accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm
from lms.i18n import gettext as _
from lms.people import passwords
from lms.web.csrf import csrf_valid
from lms.web.forms import form_status
from lms.web.templating import render

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would help phishing."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and target.isprintable()
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("lms.home.index")


def _login_limit() -> str:
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_person() is not None:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        person = services.authenticate(form.email.data, form.password.data)
        if person is not None:
            sessions.sign_in(person, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        # One message for every failure: no hint whether the address has an account.
        form.form_errors.append(_("The e-mail address or password is not right."))
    # Wrong credentials: 401; a form sent back incomplete or with an expired token: 400.
    status = 401 if form.form_errors else form_status(form)
    return render("lms/accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if not csrf_valid():
        flash(_("Your session had expired; please sign out again."), "warning")
        return redirect(url_for("lms.home.index"))
    sessions.sign_out(current_person())
    flash(_("You are signed out."), "info")
    return redirect(url_for("lms.accounts.login"))


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a reset link; the answer never says whether the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data)
        flash(
            _(
                "If that address has an account here, we have sent it a link to choose a new "
                "password. The link works once, for %(minutes)s minutes.",
                minutes=current_app.config["LMS_PASSWORD_RESET_MAX_AGE_MINUTES"],
            ),
            "info",
        )
        return redirect(url_for(".login"))
    return render("lms/accounts/reset_request.html", form=form), form_status(form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an e-mailed link (once; every sign-in then ends)."""
    try:
        passwords.check(token)
    except passwords.ResetRefused:
        return render("lms/accounts/reset_refused.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset(token, form.password.data)
        except passwords.ResetRefused:
            return render("lms/accounts/reset_refused.html"), 404
        except ValueError as exc:
            form.password.errors.append(str(exc))
        else:
            if current_person() is not None:
                sessions.sign_out(None)  # the sign-in in this browser ended with the others
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for(".login"))
    return render("lms/accounts/reset.html", form=form), form_status(form)
