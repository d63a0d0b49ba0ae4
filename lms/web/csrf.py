"""CSRF check for hand-built forms (one-click buttons, quiz pages built from data)."""

from flask import current_app, request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError


def csrf_valid() -> bool:
    """True when the posted ``csrf_token`` is valid for this session (and younger than
    ``LMS_CSRF_TIME_LIMIT``; the host's ``WTF_CSRF_TIME_LIMIT`` is the host's own)."""
    try:
        validate_csrf(
            request.form.get("csrf_token"), time_limit=current_app.config["LMS_CSRF_TIME_LIMIT"]
        )
    except ValidationError:
        return False
    return True
