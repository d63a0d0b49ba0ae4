"""Sending a page of answers, the same for a knowledge check and an assessment."""

from __future__ import annotations

from flask import flash, request

from lms.i18n import gettext as _
from lms.quizzes import services as quizzes
from lms.quizzes.models import Attempt
from lms.web.csrf import csrf_valid


def submit_answers(attempt: Attempt) -> bool:
    """Grade the posted answers of ``attempt``; True when they were recorded.

    False, with the reason flashed, when nothing was sent: the page had expired (its
    CSRF token), or some answers were drawn for another page of the attempt (a second
    tab, the back button). The caller then shows the page again.
    """
    if not csrf_valid():
        flash(
            _("The page had expired, so your answers were not sent. Please answer again."),
            "warning",
        )
        return False
    try:
        quizzes.submit(attempt, request.form)
    except quizzes.StaleAnswer:
        flash(
            _(
                "Some answers did not belong to this page, so nothing was sent. Please answer "
                "again."
            ),
            "warning",
        )
        return False
    return True
