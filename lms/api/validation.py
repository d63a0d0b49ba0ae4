"""Explicit validation of query strings and JSON bodies.

Every value is checked before it reaches the database, and every problem is collected
per field, so a client gets one 422 listing everything that is wrong, never a 500.
Strings must be valid Unicode without control characters (PostgreSQL refuses NUL), and
ids must fit the database's 32-bit integer columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import request

from lms.api.errors import ApiError, Invalid
from lms.db import MAX_ID  # ids are INTEGER columns (32-bit on PostgreSQL)

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50

_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(value: str, max_length: int | None) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if max_length is not None and len(value) > max_length:
        return f"must be at most {max_length} characters"
    return None


def parse_date(value: str) -> date | None:
    """A strict ``YYYY-MM-DD`` date, or None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Query:
    """Reads ``request.args``; collects a message per bad parameter; ``done()`` raises 422."""

    def __init__(self, args: Mapping[str, str] | None = None):
        self.args = request.args if args is None else args
        self.errors: dict[str, str] = {}
        self.known: set[str] = set()

    def _raw(self, name: str) -> str | None:
        self.known.add(name)
        value = self.args.get(name)
        if value is None:
            return None
        if value == "":
            self.errors[name] = "must not be empty"
            return None
        return value

    def string(self, name: str, *, max_length: int = 254) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        problem = text_problem(value, max_length)
        if problem:
            self.errors[name] = problem
            return None
        return value

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        value = self._raw(name)
        choices = tuple(choices)
        if value is not None and value not in choices:
            self.errors[name] = f"must be one of: {', '.join(choices)}"
            return None
        return value

    def integer(self, name: str, *, minimum: int = 1, maximum: int = MAX_ID,
                default: int | None = None, choices: Iterable[int] | None = None) -> int | None:
        value = self._raw(name)
        if value is None:
            return default
        if not _DIGITS.fullmatch(value):
            self.errors[name] = "must be a whole number"
            return default
        number = int(value)
        if choices is not None:
            choices = tuple(choices)
            if number not in choices:
                self.errors[name] = f"must be one of: {', '.join(map(str, choices))}"
                return default
        elif not minimum <= number <= maximum:
            self.errors[name] = f"must be between {minimum} and {maximum}"
            return default
        return number

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value not in ("true", "false"):
            self.errors[name] = "must be true or false"
            return default
        return value == "true"

    def date(self, name: str) -> date | None:
        value = self._raw(name)
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.errors[name] = "must be a date (YYYY-MM-DD)"
        return day

    def page(self) -> tuple[int, int]:
        page = self.integer("page", maximum=MAX_PAGE, default=1)
        per_page = self.integer("per_page", maximum=MAX_PER_PAGE, default=DEFAULT_PER_PAGE)
        return page or 1, per_page or DEFAULT_PER_PAGE

    def done(self) -> None:
        """Raise a 422 for every bad value, and for unknown parameters (a typo such as
        ``stauts=overdue`` must not silently return everything)."""
        for name in self.args:
            if name not in self.known:
                self.errors.setdefault(name, "unknown parameter")
        if self.errors:
            raise Invalid(self.errors)


_MISSING = object()


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 unless JSON, 400 unless it parses, 422 unless an object."""
    if not request.is_json:
        raise ApiError(415, "the request body must be JSON (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if data is None:
        if request.get_data().strip() == b"null":
            raise Invalid({"body": "must be a JSON object"})
        raise ApiError(400, "the request body is not valid JSON")
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object"})
    return data


class Body:
    """Reads fields of a JSON object; unknown fields are refused, problems collected."""

    def __init__(self, data: dict[str, Any], fields: Iterable[str]):
        self.data = data
        self.errors: dict[str, str] = {}
        allowed = set(fields)
        for key in data:
            if key not in allowed:
                self.errors[str(key)] = "unknown field"

    def has(self, name: str) -> bool:
        return name in self.data

    def string(self, name: str, *, required: bool = False, nullable: bool = False,
               max_length: int = 254, strip: bool = True) -> Any:
        """The string (stripped), None when null is allowed, or ``_MISSING`` when absent."""
        if name not in self.data:
            if required:
                self.errors[name] = "is required"
            return _MISSING
        value = self.data[name]
        if value is None:
            if nullable:
                return None
            self.errors[name] = "must not be null"
            return _MISSING
        if not isinstance(value, str):
            self.errors[name] = "must be a string"
            return _MISSING
        problem = text_problem(value, max_length)
        if problem:
            self.errors[name] = problem
            return _MISSING
        value = value.strip() if strip else value
        if not value:
            if nullable:
                return None
            self.errors[name] = "must not be empty"
            return _MISSING
        return value

    def choice(self, name: str, choices: Iterable[str], *, required: bool = False) -> Any:
        if name not in self.data:
            if required:
                self.errors[name] = "is required"
            return _MISSING
        value = self.data[name]
        choices = tuple(choices)
        if not isinstance(value, str) or value not in choices:
            self.errors[name] = f"must be one of: {', '.join(choices)}"
            return _MISSING
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        """A JSON true/false (not a string or a number); ``default`` when absent."""
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            self.errors[name] = "must be true or false"
            return default
        return value

    def date(self, name: str, *, nullable: bool = True) -> Any:
        if name not in self.data:
            return _MISSING
        value = self.data[name]
        if value is None and nullable:
            return None
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            self.errors[name] = "must be a date (YYYY-MM-DD)"
            return _MISSING
        return day

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


MISSING = _MISSING


def is_id(value: Any) -> bool:
    """A positive integer that fits the database (JSON booleans are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID
