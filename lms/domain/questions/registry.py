"""The registry of question types, keyed by the stable id stored in course files."""

from __future__ import annotations

from lms.domain.questions.base import (
    QuestionType,
)
from lms.domain.questions.matching import Matching
from lms.domain.questions.multiple import MultipleChoice
from lms.domain.questions.single import SingleChoice
from lms.domain.questions.true_false import TrueFalse

#: Every registered question type, by id.
QUESTION_TYPES: dict[str, QuestionType] = {}


def register_question_type(qt: QuestionType) -> QuestionType:
    """Add ``qt`` to :data:`QUESTION_TYPES`. Raises ValueError if its id is taken."""
    if not isinstance(qt.id, str) or not qt.id:
        raise ValueError("a question type needs a non-empty string id")
    if qt.id in QUESTION_TYPES:
        raise ValueError(f"question type {qt.id!r} is already registered")
    QUESTION_TYPES[qt.id] = qt
    return qt


for _qt in (SingleChoice(), MultipleChoice(), TrueFalse(), Matching()):
    register_question_type(_qt)
del _qt


def question_type(type_id: str) -> QuestionType:
    """The registered type ``type_id``. Raises ValueError if there is none."""
    qt = QUESTION_TYPES.get(type_id) if isinstance(type_id, str) else None
    if qt is None:
        raise ValueError(f"unknown question type {type_id!r}")
    return qt
