"""The values of the question model: questions, their choices and pairs, grades."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Keys every question has, whatever its type.
#: ``facts`` (ids of the course's facts the question tests) is checked by the course loader
#: against ``course.yaml`` (see :mod:`lms.domain.facts`); grading never looks at it.
COMMON_KEYS: frozenset[str] = frozenset({"id", "type", "section", "prompt", "feedback", "facts"})

#: How a multiple-choice question is scored (``scoring:`` in the file).
ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"
SCORING_MODES: tuple[str, ...] = (ALL_OR_NOTHING, PARTIAL)

MIN_CHOICES = 2
MAX_CHOICES = 6
MIN_PAIRS = 2

CHOICE_KEYS = frozenset({"text", "correct", "feedback"})
PAIR_KEYS = frozenset({"left", "right"})
ID_RE = re.compile(r"[A-Za-z0-9_.-]+")

# The keys public_view removes wherever they occur: they give the answer away.
ANSWER_KEYS = frozenset({"correct", "feedback"})


@dataclass(frozen=True)
class Choice:
    """One choice of a single- or multiple-choice question (or True/False)."""

    id: str
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question: ``left`` is to be matched to ``right``."""

    id: str
    left: str
    right: str


@dataclass(frozen=True)
class Question:
    """A parsed, valid question.

    ``choices`` is used by ``single`` and ``multiple``; ``answer`` (a bool) by
    ``true_false``; ``pairs`` and ``distractors`` (answers that match no item) by
    ``matching``. ``scoring`` is the file's value for
    ``multiple``; the other types have a fixed mode (``partial`` for matching, where
    each pair counts, ``all_or_nothing`` for the rest) so that every shown question
    says how it was scored.
    """

    id: str
    type: str
    section: str
    prompt: str
    feedback: str
    choices: tuple[Choice, ...] = ()
    answer: bool | None = None
    pairs: tuple[Pair, ...] = ()
    scoring: str = ALL_OR_NOTHING
    distractors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceNote:
    """Per-choice (or per-pair) feedback in a :class:`Grade`.

    For choice questions ``correct`` says whether the choice is one of the right
    answers, picked or not, so a result page can show both what the learner picked and
    what they missed. For matching, ``id``/``text`` are the pair id and left text,
    ``picked`` says the learner matched that pair to something, and ``correct`` says
    they matched it to the right item.
    """

    id: str
    text: str
    picked: bool
    correct: bool
    feedback: str | None = None


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response.

    ``score`` is in 0..1 and ``correct`` is ``score == 1``. ``picked`` lists the choice
    ids (or answered pair ids) in shown order; it is empty when the response was missing
    or rejected as malformed.
    """

    score: float
    correct: bool
    picked: tuple[str, ...]
    notes: tuple[ChoiceNote, ...]

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be within 0..1, got {self.score!r}")
        if self.correct != (self.score == 1.0):
            raise ValueError("correct must be true exactly when score is 1")


def make_grade(score: float, picked: Sequence[str], notes: Sequence[ChoiceNote]) -> Grade:
    return Grade(score=score, correct=score == 1.0, picked=tuple(picked), notes=tuple(notes))
