"""CSRF check for hand-built forms (one-click buttons, quiz pages built from data)."""

from flask import request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError


def csrf_valid() -> bool:
    """True when the posted ``csrf_token`` is valid for this session."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
