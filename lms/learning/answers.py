"""Sending a page of answers, the same for a knowledge check and an assessment."""

from __future__ import annotations

from flask import flash, request

from lms.i18n import format_list, ngettext
from lms.i18n import gettext as _
from lms.quizzes import services as quizzes
from lms.quizzes.models import Attempt
from lms.web import resume
from lms.web.csrf import csrf_valid


def submit_answers(attempt: Attempt, *, every_question: bool = False) -> bool:
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
        quizzes.submit(attempt, request.form, every_question=every_question)
    except quizzes.Unanswered as blank:
        # Kept for the page shown again (pre-selected), which says nothing more about it.
        resume.keep_answers(request.path, quiet=True)
        flash(
            ngettext(
                "Question %(numbers)s has no answer yet. Answer it, then submit: nothing "
                "was graded and no attempt was used.",
                "Questions %(numbers)s have no answer yet. Answer them, then submit: "
                "nothing was graded and no attempt was used.",
                len(blank.numbers),
                numbers=format_list([str(n) for n in blank.numbers]),
            ),
            "warning",
        )
        return False
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
