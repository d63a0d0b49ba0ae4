"""Drawing the questions of an attempt from a pool, reproducibly from a seed.

The final assessment spreads its questions evenly over the policy sections
(:func:`draw_questions`). The refresher (:func:`draw_refresher`) leans on what changed:
every section the learner does not meet again in a changed module gets a question, and
the rest of the draw goes to the sections that changed.

An attempt stores only its seed next to what was shown; drawing again from the same
pool with the same seed gives the same questions in the same order, and
:func:`present_all` gives the same shuffled choices too. Randomness comes only from a
``random.Random`` seeded here: for ints and strs CPython's seeding does not depend on
``PYTHONHASHSEED``, so a seed means the same draw in every process.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Sequence
from typing import Any

from lms.domain.questions import Question, present


def _rng(seed: int | str) -> random.Random:
    # None would seed from the OS and floats are deprecated as seeds: neither can
    # reproduce an attempt, so only ints and strs are accepted.
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise TypeError(f"seed must be an int or a str, got {seed!r}")
    return random.Random(seed)


def _check_n(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")


def _by_section(pool: Sequence[Question], rng: random.Random) -> dict[str, list[Question]]:
    """Section -> its questions in seeded order (sections in sorted order)."""
    by_section: dict[str, list[Question]] = {}
    seen: set[str] = set()
    # Sort by id first so the draw depends on the pool's contents, not on the order a
    # database query happened to return them in.
    for question in sorted(pool, key=lambda q: q.id):
        if question.id in seen:
            raise ValueError(f"duplicate question id in pool: {question.id!r}")
        seen.add(question.id)
        by_section.setdefault(question.section, []).append(question)
    for section in sorted(by_section):
        rng.shuffle(by_section[section])
    return dict(sorted(by_section.items()))


def _round_robin(queues: Sequence[deque], drawn: list[Question], target: int) -> None:
    """Take one question per queue per round, skipping empty queues, until ``target``."""
    while len(drawn) < target and any(queues):
        for queue in queues:
            if queue and len(drawn) < target:
                drawn.append(queue.popleft())


def _draw(pool: Sequence[Question], n: int, rng: random.Random) -> list[Question]:
    _check_n(n)
    by_section = _by_section(pool, rng)
    sections = list(by_section)
    # Shuffling the section order decides which sections get the extra question when
    # n is not a multiple of the number of sections.
    rng.shuffle(sections)

    queues = [deque(by_section[s]) for s in sections]
    drawn: list[Question] = []
    # Round-robin: one question per section per round, skipping sections that have
    # run out, so counts differ by at most one among sections that still have some.
    _round_robin(queues, drawn, min(n, sum(map(len, queues))))
    return drawn


def _draw_refresher(
    pool: Sequence[Question], n: int, rng: random.Random, changed: set[str], covered: set[str]
) -> list[Question]:
    _check_n(n)
    by_section = _by_section(pool, rng)
    queues = {s: deque(qs) for s, qs in by_section.items()}
    must = [s for s in by_section if s not in covered]
    rng.shuffle(must)
    target = min(sum(map(len, queues.values())), max(n, len(must)))
    drawn = [queues[s].popleft() for s in must][:target]
    leaning = [s for s in by_section if s in changed]
    rng.shuffle(leaning)
    _round_robin([queues[s] for s in leaning], drawn, target)
    rest = list(by_section)
    rng.shuffle(rest)
    _round_robin([queues[s] for s in rest], drawn, target)
    # Shuffled, so the changed sections' questions are not all at the end.
    rng.shuffle(drawn)
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


def draw_refresher(
    pool: Sequence[Question],
    n: int,
    seed: int | str,
    changed: Collection[str] = (),
    covered: Collection[str] = (),
) -> list[Question]:
    """The refresher's questions: every section covered, weighted to what changed.

    ``changed`` are the policy sections whose text changed since the learner's last
    certified version; ``covered`` are the sections taught by the modules the refresher
    makes them redo (the changed modules, whose knowledge checks test those sections).

    1. Every section of the pool not in ``covered`` gets one question, so across the
       draw and the changed modules every section is tested at least once. When ``n``
       is smaller than the number of such sections, the draw grows to cover them all
       rather than leave one untested.
    2. The remaining questions come from the ``changed`` sections, taking turns (in
       seeded order), until those run out;
    3. then from every section, taking turns, so extra questions are spread evenly.

    The result is in seeded random order. Like :func:`draw_questions` it depends only on
    the pool's contents, ``n``, the seed and the two sets; a pool smaller than the draw
    is drawn whole.
    """
    return _draw_refresher(pool, n, _rng(seed), set(changed), set(covered))


def present_refresher(
    pool: Sequence[Question],
    seed: int | str,
    n: int,
    changed: Collection[str] = (),
    covered: Collection[str] = (),
) -> list[dict[str, Any]]:
    """:func:`draw_refresher`, presented from the same seeded rng (see :func:`present_all`)."""
    rng = _rng(seed)
    drawn = _draw_refresher(pool, n, rng, set(changed), set(covered))
    return [present(question, rng) for question in drawn]


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
