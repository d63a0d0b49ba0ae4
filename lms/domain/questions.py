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
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lms.domain.checks import PLAIN, Checks
from lms.domain.matching import matched_one_to_one, validate_distractors
from lms.domain.problems import PathPart, Problem

# --------------------------------------------------------------------------- constants

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

_CHOICE_KEYS = frozenset({"text", "correct", "feedback"})
_PAIR_KEYS = frozenset({"left", "right"})
_ID_RE = re.compile(r"[A-Za-z0-9_.-]+")

# The keys public_view removes wherever they occur: they give the answer away.
_ANSWER_KEYS = frozenset({"correct", "feedback"})


# --------------------------------------------------------------------------- values


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


def _make_grade(score: float, picked: Sequence[str], notes: Sequence[ChoiceNote]) -> Grade:
    return Grade(score=score, correct=score == 1.0, picked=tuple(picked), notes=tuple(notes))


# --------------------------------------------------------------------------- helpers


def _normalise(text: str) -> str:
    # Texts that differ only in spacing or case read as the same choice to a learner.
    return " ".join(text.split()).casefold()


def _note_duplicate(
    checks: Checks,
    seen: dict[str, int],
    text: str,
    index: int,
    path: tuple[PathPart, ...],
    what: str,
    item: str,
) -> None:
    """Report ``text`` when an earlier item had the same (normalised) text, else note it."""
    key = _normalise(text)
    if key in seen:
        checks.add(path, f"duplicate {what} (same as {item} {seen[key]})")
    else:
        seen[key] = index


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _base_fields(raw: Mapping) -> dict[str, Any]:
    return {
        "id": raw["id"],
        "type": raw["type"],
        "section": raw["section"],
        "prompt": _clean(raw["prompt"]),
        "feedback": _clean(raw["feedback"]),
    }


def _shown_base(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "type": question.type,
        "section": question.section,
        "prompt": question.prompt,
        "feedback": question.feedback,
        "scoring": question.scoring,
    }


def _choice_notes(shown: Mapping, picked: Collection[str]) -> list[ChoiceNote]:
    return [
        ChoiceNote(
            id=c["id"],
            text=c["text"],
            picked=c["id"] in picked,
            correct=bool(c.get("correct")),
            feedback=c.get("feedback"),
        )
        for c in shown["choices"]
    ]


def _pick_one(shown: Mapping, response: object) -> tuple[str, ...]:
    """The single shown choice id ``response`` names, or () if it names none."""
    if isinstance(response, str):
        for c in shown["choices"]:
            if c["id"] == response:
                return (response,)
    return ()


# --------------------------------------------------------------------------- types


class QuestionType(ABC):
    """One kind of question. Subclasses set ``id`` and ``keys`` and fill in the methods.

    ``keys`` are the top-level keys the type adds to :data:`COMMON_KEYS`; any other key
    in a raw question of this type is reported as unknown.
    """

    id: str = ""
    keys: frozenset[str] = frozenset()

    @abstractmethod
    def validate(self, raw: Mapping) -> list[Problem]:
        """Problems with the type-specific parts of ``raw`` (paths relative to it)."""

    @abstractmethod
    def parse(self, raw: Mapping) -> Question:
        """The :class:`Question` for a ``raw`` question that passed validation."""

    @abstractmethod
    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        """The question as shown in one attempt: snapshot and grading key in one dict."""

    @abstractmethod
    def grade(self, shown: Mapping, response: object) -> Grade:
        """Grade ``response`` against ``shown``. Total: never raises on any response."""

    def public_view(self, shown: Mapping) -> dict[str, Any]:
        """``shown`` without anything that gives the answer away."""
        return public_view(shown)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"


class _ChoiceQuestionType(QuestionType):
    """Shared parts of single and multiple choice: a list of 2..6 choices."""

    keys = frozenset({"choices"})

    @abstractmethod
    def _validate_correct_count(self, choices: list, correct_at: list[int]) -> list[Problem]:
        """Problems with how many choices are marked correct (single: one, multiple: >= 1)."""

    def validate(self, raw: Mapping) -> list[Problem]:
        choices = raw.get("choices")
        if choices is None:
            return [Problem(("choices",), "missing choices")]
        if not isinstance(choices, list):
            return [Problem(("choices",), "choices must be a list")]
        checks = Checks(PLAIN)
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            checks.add(
                ("choices",), f"needs {MIN_CHOICES} to {MAX_CHOICES} choices, got {len(choices)}"
            )
        seen_texts: dict[str, int] = {}
        correct_at: list[int] = []
        for i, choice in enumerate(choices):
            path: tuple[PathPart, ...] = ("choices", i)
            if not isinstance(choice, Mapping):
                checks.add(path, "a choice must be a mapping with a text")
                continue
            text = checks.text(choice, "text", path)
            if text is not None:
                _note_duplicate(checks, seen_texts, text, i, path + ("text",), "choice text", "choice")
            if checks.boolean(choice, "correct", path, default=False):
                correct_at.append(i)
            checks.text(choice, "feedback", path, required=False)
            checks.unknown_keys(choice, _CHOICE_KEYS, path, listed=False)
        return checks.problems + self._validate_correct_count(choices, correct_at)

    def _parse_choices(self, raw: Mapping) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                id=f"c{i}",
                text=_clean(c["text"]),
                correct=bool(c.get("correct", False)),
                feedback=_clean(c.get("feedback")),
            )
            for i, c in enumerate(raw["choices"], start=1)
        )

    def parse(self, raw: Mapping) -> Question:
        return Question(
            **_base_fields(raw),
            choices=self._parse_choices(raw),
            scoring=self._scoring(raw),
        )

    def _scoring(self, raw: Mapping) -> str:
        return ALL_OR_NOTHING

    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        choices = [
            {"id": c.id, "text": c.text, "correct": c.correct, "feedback": c.feedback}
            for c in question.choices
        ]
        rng.shuffle(choices)
        return {**_shown_base(question), "choices": choices}


class SingleChoice(_ChoiceQuestionType):
    """``single``: exactly one correct choice; the response is one choice id."""

    id = "single"

    def _validate_correct_count(self, choices: list, correct_at: list[int]) -> list[Problem]:
        if not correct_at:
            return [
                Problem(("choices",), "no choice is marked correct: true (exactly one must be)")
            ]
        # Point at every correct choice after the first: those are the ones to fix.
        return [
            Problem(
                ("choices", i, "correct"),
                f"a single-choice question has exactly one correct choice; choice "
                f"{correct_at[0]} is already correct",
            )
            for i in correct_at[1:]
        ]

    def grade(self, shown: Mapping, response: object) -> Grade:
        picked = _pick_one(shown, response)
        notes = _choice_notes(shown, picked)
        score = 1.0 if any(n.picked and n.correct for n in notes) else 0.0
        return _make_grade(score, picked, notes)


class MultipleChoice(_ChoiceQuestionType):
    """``multiple``: one or more correct choices; the response is a collection of ids.

    ``all_or_nothing`` scores 1 only for exactly the correct set. ``partial`` uses
    Moodle's fractions: each right pick is worth ``+1/R`` and each wrong pick ``-1/W``
    (``R`` right and ``W`` wrong choices), the total floored at 0. Picking every choice
    therefore scores exactly 0, the same as picking none, whatever R and W are.
    """

    id = "multiple"
    keys = frozenset({"choices", "scoring"})

    def validate(self, raw: Mapping) -> list[Problem]:
        checks = Checks(PLAIN, super().validate(raw))
        checks.one_of(raw, "scoring", SCORING_MODES, required=False)
        return checks.problems

    def _validate_correct_count(self, choices: list, correct_at: list[int]) -> list[Problem]:
        if not correct_at:
            return [
                Problem(("choices",), "no choice is marked correct: true (at least one must be)")
            ]
        return []

    def _scoring(self, raw: Mapping) -> str:
        return raw.get("scoring") or ALL_OR_NOTHING

    @staticmethod
    def _picked(shown: Mapping, response: object) -> tuple[str, ...] | None:
        """The shown ids ``response`` names, in shown order; None if it is malformed."""
        # A str is a collection too (of characters), and a mapping of its keys: both are
        # the wrong shape here, so only real containers of ids are accepted.
        if not isinstance(response, list | tuple | set | frozenset):
            return None
        ids = [c["id"] for c in shown["choices"]]
        chosen: set[str] = set()
        for item in response:
            if not isinstance(item, str) or item not in ids:
                return None
            chosen.add(item)
        return tuple(i for i in ids if i in chosen)

    def grade(self, shown: Mapping, response: object) -> Grade:
        picked = self._picked(shown, response) or ()
        notes = _choice_notes(shown, picked)
        correct_ids = {n.id for n in notes if n.correct}
        right = sum(1 for n in notes if n.picked and n.correct)
        wrong = sum(1 for n in notes if n.picked and not n.correct)
        if shown.get("scoring") == PARTIAL:
            # max(1, ...) only guards a shown dict with no correct (or no wrong) choice;
            # validation rules out the first, and with no wrong choice nothing is lost.
            wrong_ids = len(notes) - len(correct_ids)
            score = max(0.0, right / max(1, len(correct_ids)) - wrong / max(1, wrong_ids))
        else:
            score = 1.0 if picked and set(picked) == correct_ids else 0.0
        return _make_grade(score, picked, notes)


class TrueFalse(QuestionType):
    """``true_false``: ``answer: true|false``; the response is ``"true"`` or ``"false"``.

    Shown as two choices in a fixed order (True, then False; shuffling would only
    confuse). A Python bool is accepted as a response too, since it is unambiguous.
    """

    id = "true_false"
    keys = frozenset({"answer"})

    def validate(self, raw: Mapping) -> list[Problem]:
        if "answer" not in raw or raw["answer"] is None:
            return [Problem(("answer",), "missing answer (true or false)")]
        answer = raw["answer"]
        if not isinstance(answer, bool):
            return [Problem(("answer",), f"answer must be true or false, got {answer!r}")]
        return []

    def parse(self, raw: Mapping) -> Question:
        return Question(**_base_fields(raw), answer=raw["answer"], scoring=ALL_OR_NOTHING)

    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        choices = [
            {"id": "true", "text": "True", "correct": question.answer is True, "feedback": None},
            {"id": "false", "text": "False", "correct": question.answer is False, "feedback": None},
        ]
        return {**_shown_base(question), "choices": choices}

    def grade(self, shown: Mapping, response: object) -> Grade:
        if isinstance(response, bool):
            response = "true" if response else "false"
        picked = _pick_one(shown, response)
        notes = _choice_notes(shown, picked)
        score = 1.0 if any(n.picked and n.correct for n in notes) else 0.0
        return _make_grade(score, picked, notes)


class Matching(QuestionType):
    """``matching``: match each left item to a right item.

    Shown as the pairs with their lefts in shuffled order plus the right texts and the
    optional ``distractors`` shuffled together as ``options``. The response maps pair
    ids to option texts; the score is the fraction of pairs matched correctly, one to
    one: an option given to two pairs counts for neither (see :mod:`lms.domain.matching`).
    A pair left out (or mapped to None) is simply unanswered.
    """

    id = "matching"
    keys = frozenset({"pairs", "distractors"})

    def validate(self, raw: Mapping) -> list[Problem]:
        pairs = raw.get("pairs")
        if pairs is None:
            return [Problem(("pairs",), "missing pairs")]
        if not isinstance(pairs, list):
            return [Problem(("pairs",), "pairs must be a list")]
        checks = Checks(PLAIN)
        if len(pairs) < MIN_PAIRS:
            checks.add(("pairs",), f"needs at least {MIN_PAIRS} pairs, got {len(pairs)}")
        seen: dict[str, dict[str, int]] = {"left": {}, "right": {}}
        for i, pair in enumerate(pairs):
            path: tuple[PathPart, ...] = ("pairs", i)
            if not isinstance(pair, Mapping):
                checks.add(path, "a pair must be a mapping with left and right")
                continue
            for side in ("left", "right"):
                text = checks.text(pair, side, path)
                if text is not None:
                    _note_duplicate(checks, seen[side], text, i, path + (side,), f"{side} text", "pair")
            checks.unknown_keys(pair, _PAIR_KEYS, path, listed=False)
        problems = checks.problems
        rights = [p.get("right") for p in pairs if isinstance(p, Mapping)]
        return problems + validate_distractors(raw.get("distractors"), rights)

    def parse(self, raw: Mapping) -> Question:
        pairs = tuple(
            Pair(id=f"p{i}", left=_clean(p["left"]), right=_clean(p["right"]))
            for i, p in enumerate(raw["pairs"], start=1)
        )
        distractors = tuple(_clean(d) for d in raw.get("distractors") or ())
        return Question(**_base_fields(raw), pairs=pairs, scoring=PARTIAL, distractors=distractors)

    def present(self, question: Question, rng: random.Random) -> dict[str, Any]:
        pairs = [{"id": p.id, "left": p.left, "right": p.right} for p in question.pairs]
        rng.shuffle(pairs)
        options = [p.right for p in question.pairs] + list(question.distractors)
        rng.shuffle(options)
        return {**_shown_base(question), "pairs": pairs, "options": options}

    @staticmethod
    def _answers(shown: Mapping, response: object) -> dict[str, str] | None:
        """Pair id -> chosen right text, or None if ``response`` is malformed."""
        if not isinstance(response, Mapping):
            return None
        pair_ids = {p["id"] for p in shown["pairs"]}
        options = list(shown["options"])
        answers: dict[str, str] = {}
        for key, value in response.items():
            if not isinstance(key, str) or key not in pair_ids:
                return None
            if value is None:
                continue
            if not isinstance(value, str) or value not in options:
                return None
            answers[key] = value
        return answers

    def grade(self, shown: Mapping, response: object) -> Grade:
        answers = self._answers(shown, response) or {}
        right = matched_one_to_one(shown["pairs"], answers)
        notes = [
            ChoiceNote(
                id=p["id"],
                text=p["left"],
                picked=p["id"] in answers,
                correct=right[p["id"]],
                feedback=None,
            )
            for p in shown["pairs"]
        ]
        score = sum(1 for n in notes if n.correct) / len(notes) if notes else 0.0
        return _make_grade(score, [n.id for n in notes if n.picked], notes)


# --------------------------------------------------------------------------- registry

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


# --------------------------------------------------------------------------- validation


def validate_question(raw: object, section_ids: Collection[str]) -> list[Problem]:
    """Every problem with one raw question, with paths relative to the question.

    Common checks (id, type, section, prompt, feedback, unknown keys) plus the checks
    of the question's type. The type checks are skipped when the type is unknown, since
    there is nothing to check the rest against.
    """
    if not isinstance(raw, Mapping):
        return [Problem((), "a question must be a mapping (id, type, section, prompt, ...)")]
    checks = Checks(PLAIN)
    qid = raw.get("id")
    if qid is None:
        checks.add(("id",), "missing id")
    elif not isinstance(qid, str) or not _ID_RE.fullmatch(qid):
        checks.add(("id",), f"id must be letters, digits, '_', '.' or '-', got {qid!r}")

    type_id = raw.get("type")
    qt = QUESTION_TYPES.get(type_id) if isinstance(type_id, str) else None
    if type_id is None:
        checks.add(("type",), "missing type")
    elif qt is None:
        known = ", ".join(sorted(QUESTION_TYPES))
        checks.add(("type",), f"unknown question type {type_id!r} (known: {known})")

    checks.section(raw, "section", section_ids)
    checks.text(raw, "prompt")
    checks.text(raw, "feedback")

    if qt is not None:
        allowed = COMMON_KEYS | qt.keys
    else:
        # Without a type we cannot tell which type-specific keys belong; accept any
        # key some type uses so that the one real mistake (the type) is what is shown.
        allowed = COMMON_KEYS.union(*(t.keys for t in QUESTION_TYPES.values()))
    checks.unknown_keys(raw, allowed, listed=False)

    if qt is not None:
        checks.extend(qt.validate(raw))
    return checks.problems


def validate_question_list(
    raw: object, section_ids: Collection[str], *, seen_ids: set[str] | None = None
) -> list[Problem]:
    """Every problem with a question file: a non-empty list of questions.

    Each question's problems are prefixed with its index. Question ids must be unique
    across the whole course: pass the same ``seen_ids`` set for every file of a course;
    ids already in it are reported as duplicates, and this file's ids are added to it.
    """
    if not isinstance(raw, list):
        return [Problem((), "a question file must be a list of questions")]
    if not raw:
        return [Problem((), "a question file must contain at least one question")]
    if seen_ids is None:
        seen_ids = set()
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(raw):
        problems += [p.under(index) for p in validate_question(item, section_ids)]
        qid = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(qid, str) or not qid:
            continue
        if qid in first_index:
            problems.append(
                Problem(
                    (index, "id"),
                    f"duplicate question id {qid!r} (also question {first_index[qid] + 1} of this file)",
                )
            )
        elif qid in seen_ids:
            problems.append(
                Problem((index, "id"), f"duplicate question id {qid!r} (used in another file)")
            )
        else:
            first_index[qid] = index
    seen_ids.update(first_index)
    return problems


# --------------------------------------------------------------------------- parsing


def parse_question(raw: Mapping) -> Question:
    """The :class:`Question` for ``raw``. Raises ValueError if ``raw`` is not valid.

    The section is not checked against a policy here (this function has no policy);
    :func:`validate_question` does that.
    """
    problems = validate_question(raw, [raw.get("section")] if isinstance(raw, Mapping) else [])
    if problems:
        listed = "; ".join(f"{'/'.join(map(str, p.path)) or '.'}: {p.message}" for p in problems)
        raise ValueError(f"invalid question: {listed}")
    return QUESTION_TYPES[raw["type"]].parse(raw)


def question_to_dict(question: Question) -> dict[str, Any]:
    """A JSON-serialisable dict for ``question``; :func:`question_from_dict` reverses it."""
    return {
        "id": question.id,
        "type": question.type,
        "section": question.section,
        "prompt": question.prompt,
        "feedback": question.feedback,
        "choices": [
            {"id": c.id, "text": c.text, "correct": c.correct, "feedback": c.feedback}
            for c in question.choices
        ],
        "answer": question.answer,
        "pairs": [{"id": p.id, "left": p.left, "right": p.right} for p in question.pairs],
        "scoring": question.scoring,
        "distractors": list(question.distractors),
    }


def question_from_dict(data: Mapping) -> Question:
    """The :class:`Question` stored by :func:`question_to_dict`.

    Raises ValueError if ``data`` does not have that shape or names an unknown type.
    """
    try:
        question_type(data["type"])
        return Question(
            id=data["id"],
            type=data["type"],
            section=data["section"],
            prompt=data["prompt"],
            feedback=data["feedback"],
            choices=tuple(
                Choice(
                    id=c["id"],
                    text=c["text"],
                    correct=bool(c["correct"]),
                    feedback=c.get("feedback"),
                )
                for c in data.get("choices") or ()
            ),
            answer=data.get("answer"),
            pairs=tuple(
                Pair(id=p["id"], left=p["left"], right=p["right"]) for p in data.get("pairs") or ()
            ),
            scoring=data.get("scoring", ALL_OR_NOTHING),
            distractors=tuple(data.get("distractors") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a stored question: {exc!r}") from exc


# --------------------------------------------------------------------------- attempts


def present(question: Question, rng: random.Random) -> dict[str, Any]:
    """``question`` as shown in an attempt, by its type (see :meth:`QuestionType.present`)."""
    return question_type(question.type).present(question, rng)


def grade(shown: Mapping, response: object) -> Grade:
    """Grade ``response`` against the shown question ``shown``.

    Total in ``response``. ``shown`` is the server's own snapshot, so an unknown type
    there is a bug and raises ValueError.
    """
    return question_type(shown.get("type")).grade(shown, response)


def _strip_answers(value: Any, *, in_pairs: bool = False) -> Any:
    if isinstance(value, Mapping):
        return {
            k: _strip_answers(v, in_pairs=k == "pairs")
            for k, v in value.items()
            # A pair's ``right`` is its answer, so it goes too; ``options`` keeps the
            # right texts, unlinked and in shuffled order.
            if k not in _ANSWER_KEYS and not (in_pairs and k == "right")
        }
    if isinstance(value, list | tuple):
        return [_strip_answers(v, in_pairs=in_pairs) for v in value]
    return value


def public_view(shown: Mapping) -> dict[str, Any]:
    """``shown`` as the page may hold it before the learner answers.

    Removes every ``correct`` flag and every ``feedback`` (per choice and the question's
    own, which explains the answer), at any depth, and each matching pair's ``right``.
    Returns a new dict; ``shown`` is left as it was.
    """
    return _strip_answers(shown)


def score_percent(grades: Sequence[Grade]) -> float:
    """The mean score of ``grades`` as a percentage rounded to 1 decimal (0.0 if none)."""
    if not grades:
        return 0.0
    return round(sum(g.score for g in grades) / len(grades) * 100, 1)


def passed(percent: float, pass_mark: float) -> bool:
    """Whether ``percent`` reaches ``pass_mark`` (a mark of 80 is passed by 80.0)."""
    return percent >= pass_mark
