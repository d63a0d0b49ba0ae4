"""Drawing the questions of an attempt from a pool, reproducibly from a seed.

An attempt stores only its seed next to what was shown; drawing again from the same
pool with the same seed gives the same questions in the same order, and
:func:`present_all` gives the same shuffled choices too. Randomness comes only from a
``random.Random`` seeded here: for ints and strs CPython's seeding does not depend on
``PYTHONHASHSEED``, so a seed means the same draw in every process.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from typing import Any

from lms.domain.questions import Question, present


def _rng(seed: int | str) -> random.Random:
    # None would seed from the OS and floats are deprecated as seeds: neither can
    # reproduce an attempt, so only ints and strs are accepted.
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise TypeError(f"seed must be an int or a str, got {seed!r}")
    return random.Random(seed)


def _draw(pool: Sequence[Question], n: int, rng: random.Random) -> list[Question]:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    by_section: dict[str, list[Question]] = {}
    seen: set[str] = set()
    # Sort by id first so the draw depends on the pool's contents, not on the order a
    # database query happened to return them in.
    for question in sorted(pool, key=lambda q: q.id):
        if question.id in seen:
            raise ValueError(f"duplicate question id in pool: {question.id!r}")
        seen.add(question.id)
        by_section.setdefault(question.section, []).append(question)

    sections = sorted(by_section)
    for section in sections:
        rng.shuffle(by_section[section])
    # Shuffling the section order decides which sections get the extra question when
    # n is not a multiple of the number of sections.
    rng.shuffle(sections)

    queues = [deque(by_section[s]) for s in sections]
    target = min(n, len(seen))
    drawn: list[Question] = []
    # Round-robin: one question per section per round, skipping sections that have
    # run out, so counts differ by at most one among sections that still have some.
    while len(drawn) < target:
        for queue in queues:
            if queue and len(drawn) < target:
                drawn.append(queue.popleft())
    return drawn


def draw_questions(pool: Sequence[Question], n: int, seed: int | str) -> list[Question]:
    """``n`` distinct questions from ``pool``, spread over its sections as evenly as possible.

    Sections take turns (in an order shuffled by the seed), each giving its next
    question (also in seeded order); a section that runs out drops out of the turns. So
    the per-section counts differ by at most 1 among the sections that were not used
    up. With ``n >= len(pool)`` every question is drawn. The result is in drawing
    order, which interleaves the sections.

    The same pool (in any order), ``n`` and ``seed`` always give the same list.
    Raises ValueError for a negative ``n`` or duplicate ids in ``pool``, TypeError for
    a seed that is not an int or a str.
    """
    return _draw(pool, n, _rng(seed))


def present_all(
    questions: Sequence[Question], seed: int | str, n: int | None = None
) -> list[dict[str, Any]]:
    """Draw ``n`` questions (all by default) and present them, all from one seeded rng.

    The result is the whole attempt as shown (see
    :func:`lms.domain.questions.present`): the same questions, order and choice order
    for the same arguments. The questions are the ones :func:`draw_questions` returns
    for the same pool, ``n`` and ``seed``.
    """
    rng = _rng(seed)
    drawn = _draw(questions, len(questions) if n is None else n, rng)
    return [present(question, rng) for question in drawn]
