"""Checking raw questions from a question file, and parsing valid ones."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from lms.domain.checks import PLAIN, Checks
from lms.domain.problems import Problem
from lms.domain.questions.registry import QUESTION_TYPES
from lms.domain.questions.values import (
    COMMON_KEYS,
    ID_RE,
    Question,
)


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
    elif not isinstance(qid, str) or not ID_RE.fullmatch(qid):
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
