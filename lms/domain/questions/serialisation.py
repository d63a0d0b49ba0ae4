"""Questions to and from the JSON stored with a course version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lms.domain.questions.registry import question_type
from lms.domain.questions.values import (
    ALL_OR_NOTHING,
    Choice,
    Pair,
    Question,
)


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
