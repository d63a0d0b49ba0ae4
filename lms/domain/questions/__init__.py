"""Question types: validating, parsing, presenting and grading knowledge-check questions.

The input is one entry of a question file (see "Question files" in
``docs/course-format.md``), already loaded from YAML into plain dicts and lists.

Question types live in a registry keyed by a stable id, the way CTFd keys its
challenge types: ``QUESTION_TYPES["single"]`` and so on. Each type knows how to

* ``validate`` the parts of a raw question that are specific to it,
* ``parse`` a valid raw question into a frozen :class:`Question`,
* ``present`` a question for one attempt (choices shuffled by the ``random.Random``
  passed in), producing the *shown* dict, and
* ``grade`` a learner's response against that shown dict.

The shown dict does three jobs at once: it is what the learner saw (choice order
included), the evidence snapshot stored with the attempt, and the grading key. Grading
only ever looks at the shown dict, so a question edited after an attempt started cannot
change how that attempt is marked. :func:`public_view` strips the answers from it for the
page.

Choice ids come from the choice's position in the *source file* (``c1``, ``c2``, ...;
pairs ``p1``, ``p2``, ...), not from the shuffled order, so the same id means the same
choice in every attempt and in every report.

Responses come from a browser and must be treated as forged until proven otherwise:
every ``grade`` is total. A response of the wrong shape, or one naming a choice, pair or
option that was not shown, is rejected as a whole (score 0, nothing picked) instead of
raising or being partly credited.

The package keeps one concern per module: :mod:`.values` (the frozen values),
:mod:`.base` (the type interface), one module per type (:mod:`.single`,
:mod:`.multiple`, :mod:`.true_false`, :mod:`.matching`), :mod:`.registry`,
:mod:`.validation`, :mod:`.serialisation` and :mod:`.grading`. Everything public is
importable from the package itself.
"""

from lms.domain.questions.base import QuestionType, public_view
from lms.domain.questions.grading import (
    answered,
    grade,
    passed,
    present,
    score_percent,
    unanswered,
)
from lms.domain.questions.matching import Matching
from lms.domain.questions.multiple import MultipleChoice
from lms.domain.questions.registry import QUESTION_TYPES, question_type, register_question_type
from lms.domain.questions.serialisation import question_from_dict, question_to_dict
from lms.domain.questions.single import SingleChoice
from lms.domain.questions.true_false import TrueFalse
from lms.domain.questions.validation import (
    parse_question,
    validate_question,
    validate_question_list,
)
from lms.domain.questions.values import (
    ALL_OR_NOTHING,
    COMMON_KEYS,
    MAX_CHOICES,
    MIN_CHOICES,
    MIN_PAIRS,
    PARTIAL,
    SCORING_MODES,
    Choice,
    ChoiceNote,
    Grade,
    Pair,
    Question,
)

__all__ = [
    "ALL_OR_NOTHING",
    "COMMON_KEYS",
    "MAX_CHOICES",
    "MIN_CHOICES",
    "MIN_PAIRS",
    "PARTIAL",
    "QUESTION_TYPES",
    "SCORING_MODES",
    "Choice",
    "ChoiceNote",
    "Grade",
    "Matching",
    "MultipleChoice",
    "Pair",
    "Question",
    "QuestionType",
    "SingleChoice",
    "TrueFalse",
    "grade",
    "parse_question",
    "passed",
    "present",
    "public_view",
    "question_from_dict",
    "question_to_dict",
    "question_type",
    "register_question_type",
    "score_percent",
    "unanswered",
    "answered",
    "validate_question",
    "validate_question_list",
]
