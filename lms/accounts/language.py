"""The language switcher: one small form in every LMS page's navigation (no JavaScript).

A signed-in person's choice is saved on their record (so e-mails and certificates follow
it); an anonymous visitor's is kept in the session.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for

from lms import i18n
from lms.accounts.access import current_person
from lms.db import session as db
from lms.web.csrf import csrf_valid

bp = Blueprint("language", __name__)


def _back() -> str:
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return url_for("lms.home.index")


@bp.route("/language", methods=["POST"])
def choose():
    code = request.form.get("locale", "")
    if code not in i18n.available_locales():
        abort(400, description="Unknown language.")
    if not csrf_valid():
        flash(i18n.gettext("The page had expired. Please choose the language again."), "warning")
        return redirect(_back())
    session[i18n.SESSION_KEY] = code
    person = current_person()
    if person is not None:
        person.locale = code
        db.commit()
    return redirect(_back())
