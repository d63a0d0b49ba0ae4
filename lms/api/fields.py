"""Value types for the API's pydantic models, with the API's own error messages.

Each factory returns an ``Annotated`` type: the pydantic core type and its constraints
give the JSON Schema (so the OpenAPI document says what is accepted), and a
``BeforeValidator`` checks the raw value first with the project's rules and words
(``must be one of: ...``, ``must not contain control characters``), so the core
constraints never fail on their own.

Query values always arrive as text; body values are JSON and are not coerced (``"5"``
is not a number, ``1`` is not ``true``). Strings must be valid Unicode without control
characters (PostgreSQL refuses NUL), and ids must fit the database's 32-bit columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, Strict, ValidationInfo
from pydantic_core import PydanticCustomError

from lms.accounts.emails import check_email, normalise_email
from lms.db import MAX_ID  # ids are INTEGER columns (32-bit on PostgreSQL)

_DIGITS = re.compile(r"-?[0-9]{1,18}")  # a sign is read, so "-3" is told its range
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Pydantic's own error types the API words itself (the rest come from the checks below).
MESSAGES = {
    "missing": "is required",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}


def problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the client as it is."""
    return PydanticCustomError("lms_invalid", "{message}", {"message": message})


def text_problem(value: str, max_length: int | None) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if max_length is not None and len(value) > max_length:
        return f"must be at most {max_length} characters"
    return None


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address the LMS accepts, or None."""
    try:
        check_email(address)
    except ValueError as exc:
        return f"not a valid e-mail address: {str(exc).split(': ', 1)[-1]}"
    return None


def parse_date(value: Any) -> date | None:
    """A strict ``YYYY-MM-DD`` date, or None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def is_id(value: Any) -> bool:
    """A positive integer that fits the database (JSON booleans are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def is_email_ref(value: Any, max_length: int) -> bool:
    return (
        isinstance(value, str)
        and text_problem(value, max_length) is None
        and email_problem(normalise_email(value)) is None
    )


def _one_of(choices: Iterable[Any]) -> str:
    return f"must be one of: {', '.join(map(str, choices))}"


# --- query string values (always text; "" is refused for every parameter) ------------------


def _query_value(value: Any) -> str:
    if value == "":
        raise problem("must not be empty")
    return value


def query_text(max_length: int) -> Any:
    """A text parameter of at most ``max_length`` characters."""

    def check(value: Any) -> str:
        value = _query_value(value)
        if found := text_problem(value, max_length):
            raise problem(found)
        return value

    return Annotated[str, Field(min_length=1, max_length=max_length), BeforeValidator(check)]


def query_choice(choices: Iterable[str]) -> Any:
    """A parameter that is one of ``choices``."""
    choices = tuple(choices)

    def check(value: Any) -> str:
        if _query_value(value) not in choices:
            raise problem(_one_of(choices))
        return value

    return Annotated[Literal[choices], BeforeValidator(check)]


def _query_int(value: Any) -> int:
    if not _DIGITS.fullmatch(_query_value(value)):
        raise problem("must be a whole number")
    return int(value)


def query_int(maximum: int, minimum: int = 1) -> Any:
    """A whole number parameter from ``minimum`` to ``maximum`` (digits only)."""

    def check(value: Any) -> int:
        number = _query_int(value)
        if not minimum <= number <= maximum:
            raise problem(f"must be between {minimum} and {maximum}")
        return number

    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(check)]


def query_int_choice(choices: Iterable[int]) -> Any:
    """A whole number parameter that is one of ``choices``."""
    choices = tuple(choices)

    def check(value: Any) -> int:
        number = _query_int(value)
        if number not in choices:
            raise problem(_one_of(choices))
        return number

    return Annotated[Literal[choices], BeforeValidator(check)]


def _query_bool(value: Any) -> bool:
    if _query_value(value) not in ("true", "false"):
        raise problem("must be true or false")
    return value == "true"


def _query_date(value: Any) -> date:
    day = parse_date(_query_value(value))
    if day is None:
        raise problem("must be a date (YYYY-MM-DD)")
    return day


#: ``true`` or ``false``, spelled so.
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
#: A strict ``YYYY-MM-DD`` date.
QueryDate = Annotated[date, BeforeValidator(_query_date)]


# --- JSON body values (never coerced) -------------------------------------------------------


def _raw_text(value: Any, max_length: int, nullable: bool) -> str | None:
    """None where null is allowed, else the string as sent, checked as text."""
    if value is None:
        if nullable:
            return None
        raise problem("must not be null")
    if not isinstance(value, str):
        raise problem("must be a string")
    if found := text_problem(value, max_length):
        raise problem(found)
    return value


def _text_check(max_length: int, nullable: bool) -> Callable[[Any], str | None]:
    """Text as stored: checked raw, then stripped; blank is null where null is allowed."""

    def check(value: Any) -> str | None:
        value = _raw_text(value, max_length, nullable)
        if value is None or (value := value.strip()):
            return value
        if nullable:
            return None
        raise problem("must not be empty")

    return check


def text(max_length: int) -> Any:
    """Required-when-present text, stripped; never null or blank."""
    return Annotated[
        str,
        Field(min_length=1, max_length=max_length),
        BeforeValidator(_text_check(max_length, nullable=False)),
    ]


def nullable_text(max_length: int) -> Any:
    """Text, stripped, or null (blank text is stored as null)."""
    return Annotated[
        Annotated[str, Field(max_length=max_length)] | None,
        BeforeValidator(_text_check(max_length, nullable=True)),
    ]


def _email_check(max_length: int, nullable: bool) -> Callable[[Any], str | None]:
    """An e-mail address, stripped (the services normalise the case). "" is not null."""

    def check(value: Any) -> str | None:
        value = _raw_text(value, max_length, nullable)
        if value is None:
            return None
        address = value.strip()
        if not address and not nullable:
            raise problem("must not be empty")
        if found := email_problem(normalise_email(address)):
            raise problem(found)
        return address

    return check


def email(max_length: int) -> Any:
    """An e-mail address the LMS accepts (``accounts.emails.check_email``)."""
    return Annotated[
        str,
        Field(min_length=1, max_length=max_length, json_schema_extra={"format": "email"}),
        BeforeValidator(_email_check(max_length, nullable=False)),
    ]


def nullable_email(max_length: int) -> Any:
    """An e-mail address or null; an empty string is a wrong address, not null."""
    return Annotated[
        Annotated[str, Field(max_length=max_length, json_schema_extra={"format": "email"})] | None,
        BeforeValidator(_email_check(max_length, nullable=True)),
    ]


def choice(choices: Iterable[str]) -> Any:
    """One of ``choices`` (a JSON string)."""
    choices = tuple(choices)

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise problem(_one_of(choices))
        return value

    return Annotated[Literal[choices], BeforeValidator(check)]


def _body_date(value: Any) -> date | None:
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise problem("must be a date (YYYY-MM-DD)")
    return day


#: A strict ``YYYY-MM-DD`` date string, or null.
NullableDate = Annotated[date | None, BeforeValidator(_body_date)]
#: A JSON ``true`` or ``false`` (not ``1`` or ``"yes"``).
Bool = Annotated[bool, Strict()]
#: A database id.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def person_refs(max_items: int, email_max: int) -> Any:
    """A list of person ids or e-mail addresses; every problem reported on the list."""
    wording = f"must be a list of 1 to {max_items} person ids or e-mail addresses"

    def check(value: Any) -> list[int | str]:
        if not isinstance(value, list) or not 1 <= len(value) <= max_items:
            raise problem(wording)
        bad = [i for i, ref in enumerate(value) if not (is_id(ref) or is_email_ref(ref, email_max))]
        if bad:
            raise problem(f"item {bad[0]} is neither a person id nor an e-mail address")
        return value

    ref = (
        Id
        | Annotated[
            str, Field(min_length=1, max_length=email_max, json_schema_extra={"format": "email"})
        ]
    )
    return Annotated[list[ref], Field(min_length=1, max_length=max_items), BeforeValidator(check)]


def reference(kind: str, message: str) -> AfterValidator:
    """The value names a record of ``kind`` that must exist (a course slug, a person's e-mail).

    The validation context's ``exists(kind, value)`` answers (the registry passes the
    services' lookup, so the models never touch the database). A missing record is noted
    in the context's ``missing``, not raised: the other checks still see the value, and
    the registry answers it in the same 422 as every other problem. ``message`` may use
    ``{value!r}``.
    """

    def check(value: Any, info: ValidationInfo) -> Any:
        context = info.context or {}
        exists = context.get("exists")
        if exists is not None and not exists(kind, value):
            context.setdefault("missing", {})[info.field_name] = message.format(value=value)
        return value

    return AfterValidator(check)


def absent(**kwargs: Any) -> Any:
    """A field that may be left out but is never null (no ``default: null`` in the schema)."""

    def drop_default(schema: dict[str, Any]) -> None:
        schema.pop("default", None)

    return Field(default=None, json_schema_extra=drop_default, **kwargs)
