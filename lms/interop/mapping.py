"""Moodle questions (GIFT, Aiken) to and from this course's question format.

Import: :func:`gift_to_course` turns a parsed :class:`GiftQuestion` into a question dict
of docs/course-format.md, with notes on anything that could not be carried over, or the
reason it cannot be converted at all. Export: :func:`course_to_gift` turns a question of
this format into a :class:`GiftQuestion` for :mod:`gift_writer`.

The two places to adjust when the product's question types change are here:
:mod:`scoring` for multiple-choice weights (it adapts by itself), and
:data:`MATCHING_DISTRACTORS_KEY` for matching distractors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms.domain.questions import (
    COMMON_KEYS,
    MAX_CHOICES,
    MIN_CHOICES,
    QUESTION_TYPES,
    validate_question,
)
from lms.interop import scoring
from lms.interop.gift_model import GiftAnswer, GiftPair, GiftQuestion, GiftText
from lms.interop.textformat import to_markdown

#: The key of a matching question's distractors (right-hand options that match no left
#: item) once this product's matching questions take them; None while they do not, and
#: GIFT's ``= -> distractor`` lines are then dropped with a note.
MATCHING_DISTRACTORS_KEY: str | None = (
    "distractors" if "distractors" in QUESTION_TYPES["matching"].keys else None
)

#: Moodle question kinds this product does not grade, as the report names them.
UNSUPPORTED = {
    "shortanswer": "a short-answer",
    "numerical": "a numerical",
    "essay": "an essay",
    "description": "a description",
    "embedded": "an embedded-answer",
}

#: The tag this product's export puts on multiple-choice questions to name their scoring.
SCORING_TAG = "scoring-"
#: Tags ``fact-<id>`` carry the course facts a question tests, where questions have them.
FACT_TAG = "fact-"
FACTS_KEY: str | None = "facts" if "facts" in COMMON_KEYS else None


@dataclass
class Mapped:
    """The outcome of converting one question.

    ``question`` is the converted dict (None when the question cannot be converted);
    ``notes`` say what was lost or still needs writing; ``skipped`` says why it was not
    converted; ``unsupported`` is set (with ``skipped``) when its whole type is unsupported.
    """

    question: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None
    unsupported: bool = False


def _md(text: GiftText | None) -> str:
    return to_markdown(text.text, text.format) if text is not None else ""


# --------------------------------------------------------------------------- import


def gift_to_course(q: GiftQuestion, *, qid: str, section: str) -> Mapped:
    """The question of this format for ``q`` (id ``qid``, policy section ``section``)."""
    if q.kind in UNSUPPORTED:
        reason = f"is {UNSUPPORTED[q.kind]} question, which this format does not support"
        if q.hint:
            reason += f" ({q.hint})"
        return Mapped(skipped=reason, unsupported=True)
    mapped = Mapped()
    base: dict[str, Any] = {"id": qid, "type": "", "section": section, "prompt": _md(q.text)}
    if q.kind == "multichoice":
        body = _choices(q, mapped)
    elif q.kind == "truefalse":
        body = _true_false(q, mapped)
    else:
        body = _matching(q, mapped)
    if mapped.skipped:
        return mapped
    question = {**base, **body}
    facts = [t[len(FACT_TAG) :] for t in q.tags if t.startswith(FACT_TAG)]
    if facts and FACTS_KEY:
        question[FACTS_KEY] = facts
    if "feedback" not in question:
        question["feedback"] = _md(q.general_feedback)
    question = {k: question[k] for k in _ORDER if k in question}
    if not question["feedback"]:
        mapped.notes.append(
            "has no general feedback: write feedback: (why the right "
            "answer is right) before check-courses accepts it"
        )
    for problem in validate_question(question, {section}):
        if problem.path[:1] in (("feedback",), ("section",)):
            continue  # reported as notes: the author fills them in
        where = "/".join(str(p) for p in problem.path)
        return Mapped(skipped=f"cannot be converted: {where}: {problem.message}")
    mapped.question = question
    return mapped


_ORDER = (
    "id",
    "type",
    "scoring",
    "section",
    *((FACTS_KEY,) if FACTS_KEY else ()),
    "prompt",
    "choices",
    "answer",
    "pairs",
    *((MATCHING_DISTRACTORS_KEY,) if MATCHING_DISTRACTORS_KEY else ()),
    "feedback",
)


def _choice(answer: GiftAnswer, correct: bool) -> dict[str, Any]:
    choice: dict[str, Any] = {"text": _md(answer.text)}
    if correct:
        choice["correct"] = True
    if answer.feedback is not None and answer.feedback.text:
        choice["feedback"] = _md(answer.feedback)
    return choice


def _choices(q: GiftQuestion, mapped: Mapped) -> dict[str, Any]:
    if not MIN_CHOICES <= len(q.answers) <= MAX_CHOICES:
        mapped.skipped = (
            f"has {len(q.answers)} choices; this format allows {MIN_CHOICES} to {MAX_CHOICES}"
        )
        return {}
    if q.single:
        correct = [a.weight >= 100 for a in q.answers]
        if sum(correct) != 1:
            mapped.skipped = (
                f"has {sum(correct)} fully right choices in a single-answer "
                "question; a single-choice question here has exactly one"
            )
            return {}
        _single_weight_notes(q.answers, mapped)
        return {
            "type": "single",
            "choices": [_choice(a, c) for a, c in zip(q.answers, correct, strict=True)],
        }
    weights = [a.weight for a in q.answers]
    if not any(w > 0 for w in weights):
        mapped.skipped = "has no choice with a positive weight, so no answer can be right"
        return {}
    hint = next((t[len(SCORING_TAG) :] for t in q.tags if t.startswith(SCORING_TAG)), None)
    mode, found = scoring.scoring_for_weights(weights, hint)
    if found:
        texts = [_md(a.text) for a in q.answers]
        mapped.notes.append(
            f"scored here as {mode}, which differs from Moodle's weights: "
            + scoring.describe_all(found, texts)
        )
    return {
        "type": "multiple",
        "scoring": mode,
        "choices": [_choice(a, w > 0) for a, w in zip(q.answers, weights, strict=True)],
    }


def _single_weight_notes(answers: list[GiftAnswer], mapped: Mapped) -> None:
    partial = [a for a in answers if 0 < a.weight < 100]
    negative = [a for a in answers if a.weight < 0]
    if partial:
        listed = ", ".join(f"{_md(a.text)!r} ({a.weight:g}%)" for a in partial)
        mapped.notes.append(
            f"partial credit dropped: {listed} earn(s) credit in Moodle and "
            "nothing here, where only the right choice scores"
        )
    if negative:
        listed = ", ".join(f"{_md(a.text)!r} ({a.weight:g}%)" for a in negative)
        mapped.notes.append(f"penalties dropped: {listed}; here a wrong choice scores 0")


def _true_false(q: GiftQuestion, mapped: Mapped) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "true_false", "answer": q.truth}
    pieces = [
        ("general feedback", q.general_feedback),
        ("feedback for a wrong answer", q.wrong_feedback),
        ("feedback for a right answer", q.right_feedback),
    ]
    present = [(label, text) for label, text in pieces if text is not None and text.text]
    if present:
        body["feedback"] = _md(present[0][1])
        for label, _ in present[1:]:
            mapped.notes.append(
                f"{label} dropped: a true/false question here has one "
                f"feedback (taken from the {present[0][0]})"
            )
    return body


def _matching(q: GiftQuestion, mapped: Mapped) -> dict[str, Any]:
    fmt = q.text.format
    pairs = [
        {"left": _md(p.left), "right": to_markdown(p.right, fmt)} for p in q.pairs if p.left.text
    ]
    extra = [to_markdown(p.right, fmt) for p in q.pairs if not p.left.text]
    body: dict[str, Any] = {"type": "matching", "pairs": pairs}
    if extra and MATCHING_DISTRACTORS_KEY:
        body[MATCHING_DISTRACTORS_KEY] = extra
    elif extra:
        mapped.notes.append(
            "distractor(s) dropped: "
            + ", ".join(repr(e) for e in extra)
            + " (matching questions here have no distractors yet)"
        )
    return body


# --------------------------------------------------------------------------- export


def course_to_gift(raw: dict[str, Any]) -> tuple[GiftQuestion, list[str]]:
    """A GIFT question for ``raw`` (a valid question of this format) and notes on it."""
    text = GiftText(raw["prompt"].strip(), "markdown")
    q = GiftQuestion(
        kind="",
        line=0,
        col=0,
        name=raw["id"],
        text=text,
        idnumber=raw["id"],
        general_feedback=GiftText(raw["feedback"].strip(), "markdown"),
    )
    notes: list[str] = []
    q.tags = [FACT_TAG + str(f) for f in raw.get("facts") or []]
    kind = raw["type"]
    if kind in ("single", "multiple"):
        q.kind = "multichoice"
        correct = [bool(c.get("correct")) for c in raw["choices"]]
        if kind == "single":
            weights = [100.0 if c else 0.0 for c in correct]
        else:
            mode = raw.get("scoring", scoring.ALL_OR_NOTHING)
            weights, found = scoring.weights_for(correct, mode)
            q.single = False
            q.tags.insert(0, SCORING_TAG + mode)
            if found:
                texts = [c["text"] for c in raw["choices"]]
                notes.append(
                    f"Moodle scores it differently ({mode} here): "
                    + scoring.describe_all(found, texts)
                )
        for choice, weight in zip(raw["choices"], weights, strict=True):
            feedback = choice.get("feedback")
            q.answers.append(
                GiftAnswer(
                    GiftText(choice["text"].strip(), "markdown"),
                    weight,
                    GiftText(feedback.strip(), "markdown") if feedback else None,
                    0,
                    0,
                )
            )
    elif kind == "true_false":
        q.kind, q.truth = "truefalse", bool(raw["answer"])
    elif kind == "matching":
        q.kind = "matching"
        q.pairs = [
            GiftPair(GiftText(p["left"].strip(), "markdown"), p["right"].strip(), 0, 0)
            for p in raw["pairs"]
        ]
        for extra in raw.get(MATCHING_DISTRACTORS_KEY or "") or []:
            q.pairs.append(GiftPair(GiftText("", "markdown"), extra.strip(), 0, 0))
    else:
        raise ValueError(f"question {raw['id']!r}: type {kind!r} has no GIFT form")
    return q, notes
