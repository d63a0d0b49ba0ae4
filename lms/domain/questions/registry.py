"""The registry of question types, keyed by the stable id stored in course files."""

from __future__ import annotations

from lms.domain.questions.base import (
    QuestionType,
)
from lms.domain.questions.matching import Matching
from lms.domain.questions.multiple import MultipleChoice
from lms.domain.questions.single import SingleChoice
from lms.domain.questions.true_false import TrueFalse
from lms.domain.registry import Registry

#: Every registered question type, by id.
QUESTION_TYPES: Registry[QuestionType] = Registry("question type")


def register_question_type(qt: QuestionType) -> QuestionType:
    """Add ``qt`` to :data:`QUESTION_TYPES`. Raises ValueError if its id is taken."""
    return QUESTION_TYPES.register(qt.id, qt)


for _qt in (SingleChoice(), MultipleChoice(), TrueFalse(), Matching()):
    register_question_type(_qt)
del _qt


def question_type(type_id: str) -> QuestionType:
    """The registered type ``type_id``. Raises ValueError if there is none."""
    return QUESTION_TYPES.require(type_id)
