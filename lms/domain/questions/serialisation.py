"""Questions to and from the JSON stored with a course version.

Both directions follow the fields of :class:`Question` (and of :class:`Choice` and
:class:`Pair`), so a new field is stored and read back without listing it again here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, asdict, fields
from typing import Any

from lms.domain.questions.registry import question_type
from lms.domain.questions.values import Choice, Pair, Question


def question_to_dict(question: Question) -> dict[str, Any]:
    """A JSON-serialisable dict for ``question``; :func:`question_from_dict` reverses it."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(question).items()}


def _build(cls: type, data: Mapping) -> Any:
    # A field with a default may be left out of the stored data; one without may not
    # (a KeyError, reported as "not a stored question").
    values = {}
    for f in fields(cls):
        if f.name in data:
            values[f.name] = data[f.name]
        elif f.default is MISSING:
            raise KeyError(f.name)
    return cls(**values)


def question_from_dict(data: Mapping) -> Question:
    """The :class:`Question` stored by :func:`question_to_dict`.

    Raises ValueError if ``data`` does not have that shape or names an unknown type.
    """
    try:
        question_type(data["type"])
        nested = {
            "choices": tuple(
                _build(Choice, {**c, "correct": bool(c["correct"])})
                for c in data.get("choices") or ()
            ),
            "pairs": tuple(_build(Pair, p) for p in data.get("pairs") or ()),
            "distractors": tuple(data.get("distractors") or ()),
        }
        plain = {k: v for k, v in data.items() if k not in nested and v is not None}
        return _build(Question, {**plain, **nested, "answer": data.get("answer")})
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a stored question: {exc!r}") from exc
