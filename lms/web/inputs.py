"""One input policy for every LMS route: no control characters.

Checked before any LMS view runs (a ``before_request`` of the LMS blueprint only, so a
host's routes are untouched):

* the path and every query-string key and value: no control character at all (C0, DEL,
  C1) — nothing legitimate in a URL needs one, and a NUL would otherwise reach the
  database (PostgreSQL refuses it) and CR/LF a response header;
* form fields and JSON strings: none either, except tab, line feed and carriage return
  (browsers send a textarea's line breaks as CR LF).

Anything else is a 400 with a plain message. The JSON API is left to its own validation,
which refuses control characters per field (a 422 naming the field, as its document
says). Parsing of the values themselves (numbers, dates, choices) is each form's job and
ends in field errors.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, request

from lms.i18n import gettext as _

_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _json_has_control(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_TEXT_CONTROL.search(value))
    if isinstance(value, dict):
        return any(_json_has_control(k) or _json_has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_control(v) for v in value)
    return False


def refuse_control_characters():
    """``before_request``: 400 when the path, query, form or JSON carries control characters."""
    if (request.blueprint or "").startswith("lms.api"):
        return  # per-field 422s from the API's own validation
    if _URL_CONTROL.search(request.path):
        abort(400, description=_("The address contains a control character."))
    for key, value in request.args.items(multi=True):
        if _URL_CONTROL.search(key) or _URL_CONTROL.search(value):
            abort(
                400,
                description=_(
                    "The query parameter %(key)s contains a control character.", key=repr(key)
                ),
            )
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in request.form.items(multi=True):
                if _TEXT_CONTROL.search(key) or _TEXT_CONTROL.search(value):
                    abort(
                        400,
                        description=_(
                            "The field %(key)s contains a control character.", key=repr(key)
                        ),
                    )
        elif request.is_json and _json_has_control(request.get_json(silent=True)):
            abort(400, description=_("The JSON body contains a control character."))
