"""Shared parts of single- and multiple-choice questions: a list of 2 to 6 choices."""

from __future__ import annotations

import random
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

from lms.domain.checks import PLAIN, Checks
from lms.domain.problems import PathPart, Problem
from lms.domain.questions.base import (
    QuestionType,
    base_fields,
    clean,
    note_duplicate,
    shown_base,
)
from lms.domain.questions.values import (
    ALL_OR_NOTHING,
    CHOICE_KEYS,
    MAX_CHOICES,
    MIN_CHOICES,
    Choice,
    Question,
)


class ChoiceQuestionType(QuestionType):
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
                note_duplicate(
                    checks, seen_texts, text, i, path + ("text",), "choice text", "choice"
                )
            if checks.boolean(choice, "correct", path, default=False):
                correct_at.append(i)
            checks.text(choice, "feedback", path, required=False)
            checks.unknown_keys(choice, CHOICE_KEYS, path, listed=False)
        return checks.problems + self._validate_correct_count(choices, correct_at)

    def _parse_choices(self, raw: Mapping) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                id=f"c{i}",
                text=clean(c["text"]),
                correct=bool(c.get("correct", False)),
                feedback=clean(c.get("feedback")),
            )
            for i, c in enumerate(raw["choices"], start=1)
        )

    def parse(self, raw: Mapping) -> Question:
        return Question(
            **base_fields(raw),
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
        return {**shown_base(question), "choices": choices}
