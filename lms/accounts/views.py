"""Sign in and out (standalone mode only: a host signs people in itself)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import login_user, logout_user

from lms.accounts import services
from lms.accounts.access import current_person
from lms.accounts.forms import LoginForm
from lms.i18n import gettext as _
from lms.web.csrf import csrf_valid
from lms.web.templating import render

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would help phishing."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and "\\" not in target and target.isprintable()):
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
            login_user(person, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        # One message for every failure: no hint whether the address has an account.
        form.form_errors.append(_("The e-mail address or password is not right."))
    status = 200 if request.method == "GET" or not form.form_errors else 401
    return render("lms/accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if not csrf_valid():
        flash(_("Your session had expired; please sign out again."), "warning")
        return redirect(url_for("lms.home.index"))
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("lms.accounts.login"))
