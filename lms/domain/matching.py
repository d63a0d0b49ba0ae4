"""The rules that keep a matching question from being solved by elimination.

``lms.domain.questions.Matching`` validates, presents and grades matching questions; the
two rules it needs beyond "each left has one right" live here, on plain values:

* **Distractors.** A matching question may list ``distractors:``, extra answers that
  match no item. They are shown among the options, so the last item is never matched
  for free by elimination and "one answer left, one item left" gives nothing away.
* **One to one.** Each option may be used for at most one item. An option given to two
  or more items scores for none of them, so mapping every item to the same answer (or
  spreading guesses over every item) earns nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from lms.domain.problems import Problem

#: At most this many distractors: more options than that is a reading test, not a check.
MAX_DISTRACTORS = 4


def _normalise(text: str) -> str:
    # Same rule as the question validator: spacing and case do not make a different text.
    return " ".join(text.split()).casefold()


def validate_distractors(raw: object, rights: Collection[str]) -> list[Problem]:
    """Problems with a matching question's ``distractors`` value (paths relative to it).

    ``None`` (no key) is fine. Otherwise it must be a list of 1 to ``MAX_DISTRACTORS``
    non-empty texts, unique, none equal to one of the ``rights`` (that option would then
    be both right and wrong).
    """
    if raw is None:
        return []
    where = ("distractors",)
    if not isinstance(raw, list) or not raw:
        return [Problem(where, "distractors must be a non-empty list of texts")]
    problems: list[Problem] = []
    if len(raw) > MAX_DISTRACTORS:
        problems.append(Problem(where, f"at most {MAX_DISTRACTORS} distractors, got {len(raw)}"))
    right_keys = {_normalise(r) for r in rights if isinstance(r, str)}
    seen: dict[str, int] = {}
    for i, text in enumerate(raw):
        path = (*where, i)
        if not isinstance(text, str):
            problems.append(Problem(path, f"a distractor must be text (quote it), got {text!r}"))
            continue
        if not text.strip():
            problems.append(Problem(path, "a distractor must not be empty"))
            continue
        key = _normalise(text)
        if key in right_keys:
            problems.append(Problem(path, "this distractor is also the right answer of a pair"))
        elif key in seen:
            problems.append(Problem(path, f"duplicate distractor (same as distractor {seen[key]})"))
        else:
            seen[key] = i
    return problems


def matched_one_to_one(pairs: Sequence[Mapping], answers: Mapping[str, str]) -> dict[str, bool]:
    """Pair id -> whether it was matched right, counting an over-used option as wrong.

    ``pairs`` are the shown pairs (``id`` and ``right``); ``answers`` maps pair ids to
    the option chosen (unanswered pairs are absent). A pair is right only when it got
    its own right answer *and* no other pair was given that same option.
    """
    uses = Counter(answers.values())
    return {p["id"]: answers.get(p["id"]) == p["right"] and uses[p["right"]] == 1 for p in pairs}
