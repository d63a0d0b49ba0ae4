"""The small checks every course-data validator is built from.

Questions, scenarios, certification rules and ``course.yaml`` are all YAML that an author
wrote by hand, so they go wrong the same ways: a key is missing or misspelt, a number is
text, ``yes`` became a bool, a value is out of range. :class:`Checks` reads a value of the
expected type out of a mapping, records a :class:`~lms.domain.problems.Problem` (with the
path to the value, which the course checker turns into ``file:line``) when it is not
there or not right, and returns the value or a default, so a validator reads as a list of
``checks.integer(raw, "pass_mark", low=0, high=100)`` lines.

The logic is written once here; only the wording differs between file families
(:data:`PLAIN` for course, question and certification files, :data:`QUOTED` for scenario
files), kept as it was so authors and the documentation see the messages they know.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.domain.problems import PathPart, Problem

Path = tuple[PathPart, ...]


def is_int(value: object) -> bool:
    """A whole number, and not a bool (YAML's ``yes`` is ``True``, which is an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: object) -> bool:
    """A string with something in it besides spaces."""
    return isinstance(value, str) and value.strip() != ""


def key_part(key: object) -> PathPart:
    """``key`` as a path part: YAML allows keys like ``1:`` or ``true:``, shown by repr."""
    if isinstance(key, str) or is_int(key):
        return key  # type: ignore[return-value]
    return repr(key)


@dataclass(frozen=True)
class Wording:
    """How one family of files words the problems :class:`Checks` finds.

    ``quote`` names keys as ``'pass_mark'`` instead of ``pass_mark``. The templates take ``key`` (the key as named), ``value`` (its repr),
    ``bounds`` and ``unit``.
    """

    quote: bool
    missing: str
    not_text: str
    empty_text: str
    not_text_optional: str
    not_bool: str
    not_int: str
    bounds: str
    bounds_open: str
    not_one_of: str

    def name(self, key: object) -> str:
        """``key`` as the messages name it."""
        return repr(key) if self.quote else str(key)


#: Course, question and certification files.
PLAIN = Wording(
    quote=False,
    missing="missing {key}",
    not_text="{key} must be text (quote it in YAML), got {value}",
    empty_text="{key} must not be empty",
    not_text_optional="{key} must be text (quote it in YAML), got {value}",
    not_bool="{key} must be true or false, got {value}",
    not_int="{key} must be a whole number{unit} {bounds}, got {value}",
    bounds="{low}..{high}",
    bounds_open=">= {low}",
    not_one_of="{key} must be one of: {options} (got {value})",
)

#: Scenario files.
QUOTED = Wording(
    quote=True,
    missing="missing {key}",
    not_text="{key} must be non-empty text",
    empty_text="{key} must be non-empty text",
    not_text_optional="{key} must be non-empty text when given",
    not_bool="{key} must be true or false, not {value}",
    not_int="{key} must be a whole number{unit} {bounds}, not {value}",
    bounds="from {low} to {high}",
    bounds_open="from {low}",
    not_one_of="{key} must be one of {options}, not {value}",
)

_ABSENT = object()


@dataclass
class Checks:
    """Typed readers over one document, collecting the problems they find.

    Every reader takes the mapping ``raw``, the ``key`` to read and ``path``, where
    ``raw`` sits in the document; problems point at ``path + (key,)``. A reader returns
    the value when it is right and ``default`` otherwise (absent or wrong), so the caller
    can go on checking with a usable value and each mistake is reported once.

    ``null_is_absent`` treats a written ``key: null`` as a missing key; without it (the
    scenario and certification files) a null is a wrong value like any other.
    """

    wording: Wording = PLAIN
    problems: list[Problem] = field(default_factory=list)
    null_is_absent: bool = True

    def add(self, path: Path, message: str) -> None:
        """Record a problem the readers do not cover (cross-field rules and the like)."""
        self.problems.append(Problem(tuple(path), message))

    def extend(self, problems: Iterable[Problem], *prefix: PathPart) -> None:
        """Record problems found by another validator, located under ``prefix``."""
        self.problems.extend(p.under(*prefix) for p in problems)

    def _get(self, raw: Mapping, key: str) -> Any:
        value = raw.get(key, _ABSENT)
        if value is None and self.null_is_absent:
            return _ABSENT
        return value

    def _missing(self, path: Path, key: str, hint: str = "") -> None:
        self.add(path + (key,), self.wording.missing.format(key=self.wording.name(key)) + hint)

    def _wrong(self, template: str, path: Path, key: str, value: object, **extra: Any) -> None:
        message = template.format(key=self.wording.name(key), value=repr(value), **extra)
        self.add(path + (key,), message)

    def text(
        self,
        raw: Mapping,
        key: str,
        path: Path = (),
        *,
        required: bool = True,
        default: str | None = None,
    ) -> str | None:
        """A non-empty string (any type YAML guessed, or blank text, is a problem)."""
        value = self._get(raw, key)
        if value is _ABSENT:
            if required:
                self._missing(path, key)
            return default
        if not isinstance(value, str):
            # YAML turns unquoted ``2019`` or ``yes`` into numbers and booleans.
            template = self.wording.not_text if required else self.wording.not_text_optional
            self._wrong(template, path, key, value)
            return default
        if not value.strip():
            template = self.wording.empty_text if required else self.wording.not_text_optional
            self._wrong(template, path, key, value)
            return default
        return value

    def integer(
        self,
        raw: Mapping,
        key: str,
        path: Path = (),
        *,
        low: int,
        high: int | None = None,
        required: bool = False,
        default: int | None = None,
        unit: str = "",
    ) -> int | None:
        """A whole number from ``low`` to ``high`` (no upper bound when None); not a bool."""
        value = self._get(raw, key)
        if value is _ABSENT:
            if required:
                self._missing(path, key)
            return default
        if not is_int(value) or value < low or (high is not None and value > high):
            template = self.wording.bounds if high is not None else self.wording.bounds_open
            bounds = template.format(low=low, high=high)
            unit_text = f" of {unit}" if unit else ""
            self._wrong(self.wording.not_int, path, key, value, bounds=bounds, unit=unit_text)
            return default
        return value

    def boolean(
        self, raw: Mapping, key: str, path: Path = (), *, default: bool | None = None
    ) -> bool | None:
        """``true`` or ``false``; absent gives ``default``."""
        value = self._get(raw, key)
        if value is _ABSENT:
            return default
        if not isinstance(value, bool):
            self._wrong(self.wording.not_bool, path, key, value)
            return default
        return value

    def one_of(
        self,
        raw: Mapping,
        key: str,
        options: Collection[str],
        path: Path = (),
        *,
        required: bool = True,
        hint: str = "",
    ) -> str | None:
        """One of ``options`` (listed in the message in the order given).

        ``hint`` is added to the "missing" message (what the key is for).
        """
        value = self._get(raw, key)
        listed = ", ".join(options)
        if value is _ABSENT:
            if required:
                self._missing(path, key, hint)
            return None
        if not isinstance(value, str) or value not in options:
            self._wrong(self.wording.not_one_of, path, key, value, options=listed)
            return None
        return value

    def items(self, raw: Mapping, key: str, path: Path = (), *, message: str) -> list | None:
        """A non-empty list; ``message`` says what it should hold when it is not one."""
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            self.add(path + (key,), message)
            return None
        return value

    def unknown_keys(
        self,
        raw: Mapping,
        allowed: Collection[str],
        path: Path = (),
        *,
        where: str = "",
        listed: bool = True,
        instead: Mapping[str, str] | None = None,
    ) -> None:
        """Report each key of ``raw`` not in ``allowed`` (a typo, or a key of another kind).

        ``where`` names the place in the message (`` in a module``); ``listed`` adds the
        allowed keys (in the order given; pass a sorted list for a set). ``instead`` gives
        some keys a message of their own (a key that belongs to another kind of item).
        """
        known = f" (expected one of: {', '.join(allowed)})" if listed else ""
        for key in raw:
            if instead and key in instead:
                self.add(path + (key_part(key),), instead[key])
            elif key not in allowed:
                self.add(path + (key_part(key),), f"unknown key {key!r}{where}{known}")

    def section(
        self, raw: Mapping, key: str, section_ids: Collection[str], path: Path = ()
    ) -> str | None:
        """The id of one of the policy's sections (every question and choice names one)."""
        value = self._get(raw, key)
        if value is _ABSENT:
            self._missing(path, key)
            return None
        # A list would not even hash, so the type is checked before membership.
        if not isinstance(value, str) or value not in section_ids:
            self.add(path + (key,), f"unknown policy section {value!r}")
            return None
        return value
