"""A reader for Moodle's Aiken format: single-answer multiple choice, one line per part.

    Which platforms does the policy cover?
    A) Only the official accounts
    B) Any public online platform
    ANSWER: B

As Moodle reads it (question/format/aiken): lines are trimmed and lines shorter than two
characters ignored; a line starting with a capital letter and ``)`` or ``.`` is a choice;
``ANSWER: X`` ends the question; any other line starts a new question. Moodle's error
cases are reported with their line (too few answers, a choice or ``ANSWER:`` with no
question, a question not finished before the next one starts), and three that Moodle lets
through: an ``ANSWER:`` naming no choice, a choice after a duplicate letter, and a
question still open at the end of the file (Moodle drops it silently).

Questions come out as :class:`GiftQuestion` values (kind ``multichoice``, text format
``plain``), so :mod:`mapping` converts both formats the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms.interop.gift_model import GiftAnswer, GiftQuestion, GiftText

_CHOICE = re.compile(r"^([A-Z])[).][ \t]?(.*)$")
_ANSWER = re.compile(r"^ANSWER:(.*)$")
_ANSWER_LETTER = re.compile(r"^([A-Z])[).]?$")  # "B", and "B)" or "B." as Moodle allows


@dataclass(frozen=True)
class AikenError:
    line: int
    message: str


@dataclass
class AikenFile:
    questions: list[GiftQuestion]
    errors: list[AikenError]


@dataclass
class _Open:
    question: GiftQuestion
    letters: list[str]


def parse_aiken(text: str) -> AikenFile:
    """Read an Aiken file: its questions and every error, by line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[GiftQuestion] = []
    errors: list[AikenError] = []
    current: _Open | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        choice, answer = _CHOICE.match(line), _ANSWER.match(line)
        if (choice or answer) and current is None:
            errors.append(
                AikenError(
                    number,
                    f"{'a choice' if choice else 'ANSWER:'} with no "
                    "question before it (question not started)",
                )
            )
        elif choice:
            _add_choice(current, choice, number, errors)
        elif answer:
            finished = _finish(current, answer.group(1), number, errors)
            if finished is not None:
                questions.append(finished)
            current = None
        else:
            if current is not None:
                errors.append(
                    AikenError(
                        current.question.line,
                        (
                            f"question {current.question.title!r} is not finished with an ANSWER: line "
                            f"before the next question starts on line {number}"
                        ),
                    )
                )
            current = _Open(
                GiftQuestion("multichoice", number, 1, None, GiftText(line, "plain")), []
            )
    if current is not None:
        errors.append(
            AikenError(
                current.question.line,
                (f"question {current.question.title!r} never gets its ANSWER: line"),
            )
        )
    return AikenFile(questions, errors)


def _add_choice(current: _Open, choice: re.Match, number: int, errors: list[AikenError]) -> None:
    letter, text = choice.group(1), choice.group(2).strip()
    if letter in current.letters:
        errors.append(AikenError(number, f"choice {letter} appears twice in this question"))
        return
    if not text:
        errors.append(AikenError(number, f"choice {letter} has no text"))
        return
    current.letters.append(letter)
    current.question.answers.append(GiftAnswer(GiftText(text, "plain"), 0.0, None, number, 1))


def _finish(
    current: _Open, value: str, number: int, errors: list[AikenError]
) -> GiftQuestion | None:
    question = current.question
    if len(question.answers) < 2:
        errors.append(
            AikenError(
                number,
                f"question {question.title!r} must have at least 2 "
                f"choices (it has {len(question.answers)})",
            )
        )
        return None
    found = _ANSWER_LETTER.match(value.strip())
    letter = found.group(1) if found else ""
    if letter not in current.letters:
        listed = ", ".join(current.letters)
        errors.append(
            AikenError(
                number,
                f"bad ANSWER: line: {value.strip()!r} is not one of "
                f"this question's choice letters ({listed})",
            )
        )
        return None
    question.answers[current.letters.index(letter)].weight = 100.0
    return question
