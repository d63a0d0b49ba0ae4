"""The facts a course teaches, and which questions test them.

A course may list its facts in ``course.yaml`` (see "Facts" in docs/course-format.md)::

    facts:
      - id: scope-definition
        section: purpose-scope
        text: Social media is any place where people publish or talk in the open.

and a question says which of them it tests with ``facts: [scope-definition]``. The
course-quality linter then proves that every fact is tested by at least two questions
of the final pool, so certification can never skip one. This module checks both lists
on plain values; problems carry paths relative to what was checked.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from lms.domain.checks import PLAIN, Checks, is_text
from lms.domain.problems import Problem

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
FACT_KEYS = ("id", "section", "text")


@dataclass(frozen=True)
class Fact:
    """One fact: a stable id, the policy section it belongs to, and a one-line statement."""

    id: str
    section: str
    text: str


def validate_facts(raw: object, section_ids: Collection[str]) -> list[Problem]:
    """Problems with a ``facts:`` list (paths relative to the list)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [Problem((), "facts must be a list of {id, section, text}")]
    checks = Checks(PLAIN)
    first: dict[str, int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            checks.add((i,), "a fact must be a mapping with id, section and text")
            continue
        checks.unknown_keys(item, FACT_KEYS, (i,), where=" in a fact")
        fact_id = item.get("id")
        if not isinstance(fact_id, str) or not _SLUG.fullmatch(fact_id):
            checks.add((i, "id"), f"fact id must be a slug of a-z, 0-9 and '-', got {fact_id!r}")
        elif fact_id in first:
            checks.add((i, "id"), f"duplicate fact id {fact_id!r} (also fact {first[fact_id] + 1})")
        else:
            first[fact_id] = i
        checks.section(item, "section", section_ids, (i,))
        if not is_text(item.get("text")):
            checks.add((i, "text"), "a fact needs a text: the fact in one sentence")
    return checks.problems


def parse_facts(raw: Sequence[Mapping] | None) -> list[Fact]:
    """The facts of a list that :func:`validate_facts` accepted."""
    return [Fact(f["id"], f["section"], " ".join(f["text"].split())) for f in raw or ()]


def validate_question_facts(question: Mapping, fact_ids: Collection[str]) -> list[Problem]:
    """Problems with one question's ``facts:`` (paths relative to the question)."""
    raw = question.get("facts")
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        return [Problem(("facts",), "facts must be a non-empty list of fact ids")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, fact_id in enumerate(raw):
        if not isinstance(fact_id, str) or fact_id not in fact_ids:
            hint = "" if fact_ids else " (course.yaml lists no facts)"
            problems.append(Problem(("facts", i), f"unknown fact {fact_id!r}{hint}"))
        elif fact_id in seen:
            problems.append(Problem(("facts", i), f"fact {fact_id!r} is listed twice"))
        else:
            seen.add(fact_id)
    return problems
