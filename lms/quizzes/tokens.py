"""Opaque answer tokens: what a page holds instead of choice ids.

A choice's id comes from the course file (``c1``, ``c2``, ... or an author's name), and the
order in the file says nothing the learner should not know only if the ids never reach
the page. So every value a page sends back — a choice of a single, multiple or true/false
question, an answer offered by a matching question — is a token: an HMAC of the attempt,
the question and the value, under a key derived from the app's ``SECRET_KEY``. Tokens
differ for each attempt (so for each person), reveal nothing about the source order, and
are the same on every reload of the same attempt. Grading maps them back on the server;
a token that does not belong to the attempt is refused (:class:`StaleAnswer`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from flask import current_app

from lms.domain.questions import public_view
from lms.quizzes.responses import FormData, field_name


class StaleAnswer(ValueError):
    """A submitted value is no answer of this attempt (a forged page, or another attempt's)."""


class Unanswered(ValueError):
    """An assessment page sent with questions left blank (their numbers, from 1): nothing
    is graded, so a slip of the mouse does not spend an attempt."""

    def __init__(self, numbers: list[int]):
        super().__init__(f"questions {numbers} have no answer")
        self.numbers = numbers


def _key() -> bytes:
    secret = current_app.secret_key
    if not secret:
        raise RuntimeError("SECRET_KEY is needed to make answer tokens")
    secret = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"lms answer tokens\x00" + secret).digest()


def answer_token(attempt_id: int, question_id: str, value: str, *, key: bytes | None = None) -> str:
    """The token standing for ``value`` of ``question_id`` in attempt ``attempt_id``."""
    message = f"{attempt_id}\x00{question_id}\x00{value}".encode()
    digest = hmac.new(key or _key(), message, hashlib.sha256).digest()
    return "a" + base64.b32encode(digest[:10]).decode().lower()


def _values(question: Mapping) -> list[str]:
    if question["type"] == "matching":
        return list(question["options"])
    return [c["id"] for c in question["choices"]]


def page_questions(attempt) -> list[dict[str, Any]]:
    """The attempt's questions as a page may hold them: no answers, no feedback, no ids.

    Choices keep their text and get ``token``; a matching question's ``options`` become
    ``{"token", "text"}`` pairs.
    """
    key = _key()
    shown = []
    for q in attempt.questions:
        view = public_view(q) | {"prompt_html": q.get("prompt_html")}
        if q["type"] == "matching":
            view["options"] = [
                {"token": answer_token(attempt.id, q["id"], o, key=key), "text": o}
                for o in q["options"]
            ]
        else:
            view["choices"] = [
                {"token": answer_token(attempt.id, q["id"], c["id"], key=key), "text": c["text"]}
                for c in view["choices"]
            ]
        shown.append(view)
    return shown


def responses_from_tokens(attempt, form: FormData) -> dict[str, Any]:
    """The learner's responses, in choice ids and option texts, from a submitted page."""
    key = _key()
    responses: dict[str, Any] = {}
    for q in attempt.questions:
        by_token = {answer_token(attempt.id, q["id"], v, key=key): v for v in _values(q)}

        def value(raw, by_token=by_token, q=q):
            if raw in (None, ""):
                return None
            if raw not in by_token:
                raise StaleAnswer(f"an answer to {q['id']!r} does not belong to this attempt")
            return by_token[raw]

        if q["type"] == "multiple":
            responses[q["id"]] = [value(t) for t in form.getlist(field_name(q))]
        elif q["type"] == "matching":
            responses[q["id"]] = {p["id"]: value(form.get(field_name(q, p))) for p in q["pairs"]}
        else:
            responses[q["id"]] = value(form.get(field_name(q)))
    return responses
