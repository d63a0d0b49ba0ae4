"""The HTTP status of a page that shows a form."""

from __future__ import annotations

from flask_wtf import FlaskForm


def form_status(form: FlaskForm, *extra_errors: object) -> int:
    """200 for a form shown to be filled in; 400 for one sent back with its errors (a
    field's, the form's, an expired CSRF token's), so a refused submission is never
    answered like a page that worked: scripts, tests and the access matrix can tell."""
    refused = form.is_submitted() and (form.errors or form.form_errors or any(extra_errors))
    return 400 if refused else 200
