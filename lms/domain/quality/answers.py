"""Cues in the answers: what a test-wise learner can exploit without knowing the policy.

Course-wide patterns are judged against chance. If keys were placed at random, the number
of questions showing a pattern would be a sum of independent yes/no events with known
probabilities (the key is choice 1 of 4 with probability 1/4, and so on). A pattern is
reported when it shows up more than two standard deviations plus one above that
expectation: a fair course trips it about one time in forty per pattern, a course where
"the answer is usually the first (or longest) choice" trips it at once. Each pattern is
judged over all questions and again over the final pool alone, since the final pool is
what certifies. Patterns need at least :data:`MIN_SAMPLE` questions to be judged.

Per-question cues (all distractors sharing a first word the key lacks, a key much
longer than everything else, a matching question with nothing left over, a
multiple-choice question where everything is right) are reported question by question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lms.domain.quality.model import Finding, QuestionFile

MIN_SAMPLE = 5
#: A key this many times longer than the longest distractor (and by at least
#: LONG_MARGIN characters) stands out on its own.
LONG_RATIO = 1.5
LONG_MARGIN = 15
MAX_IDS_LISTED = 6


@dataclass(frozen=True)
class _Ref:
    source: str
    index: int
    question: Mapping

    @property
    def id(self) -> str:
        return str(self.question.get("id"))

    def choices(self) -> list[Mapping]:
        return list(self.question.get("choices") or [])

    def correct_at(self) -> list[int]:
        return [i for i, c in enumerate(self.choices()) if c.get("correct") is True]


def _refs(files: Iterable[QuestionFile], kind: str) -> list[_Ref]:
    return [
        _Ref(f.source, i, q)
        for f in files
        for i, q in enumerate(f.questions)
        if q.get("type") == kind
    ]


def beyond_chance(count: int, probabilities: Sequence[float]) -> bool:
    """Whether ``count`` successes is more than chance allows (see the module docstring)."""
    if len(probabilities) < MIN_SAMPLE:
        return False
    expected = sum(probabilities)
    spread = math.sqrt(sum(p * (1 - p) for p in probabilities))
    return count > expected + 2 * spread + 1


def _ids(refs: Sequence[_Ref]) -> str:
    shown = ", ".join(r.id for r in refs[:MAX_IDS_LISTED])
    return shown + (f" and {len(refs) - MAX_IDS_LISTED} more" if len(refs) > MAX_IDS_LISTED else "")


def _pattern(
    check: str, hits: list[_Ref], probabilities: list[float], what: str, kind: str, scope: str
) -> list[Finding]:
    """One finding at the first question showing the pattern, if it is beyond chance.

    Reads "<what> in <hits> of <n> <kind> questions<scope> (about <expected> by chance)".
    """
    if not hits or not beyond_chance(len(hits), probabilities):
        return []
    expected = sum(probabilities)
    return [
        Finding(
            check,
            hits[0].source,
            (hits[0].index,),
            f"{what} in {len(hits)} of {len(probabilities)} {kind} questions{scope} "
            f"(about {expected:.0f} by chance): {_ids(hits)}",
        )
    ]


def _position_findings(singles: list[_Ref], multis: list[_Ref], scope: str) -> list[Finding]:
    findings: list[Finding] = []
    for refs, kind in ((singles, "single-choice"), (multis, "multiple-choice")):
        worst: list[Finding] = []
        worst_excess = 0.0
        for j in range(max((len(r.choices()) for r in refs), default=0)):
            having = [r for r in refs if len(r.choices()) > j]
            probabilities = [len(r.correct_at()) / len(r.choices()) for r in having]
            hits = [r for r in having if j in r.correct_at()]
            found = _pattern(
                "answer-position",
                hits,
                probabilities,
                f"choice {j + 1} in the file is correct",
                kind,
                scope,
            )
            if found and len(hits) - sum(probabilities) > worst_excess:
                worst, worst_excess = found, len(hits) - sum(probabilities)
        findings += worst
    blocks = [r for r in multis if 0 < len(r.correct_at()) < len(r.choices())]
    probabilities = [1 / math.comb(len(r.choices()), len(r.correct_at())) for r in blocks]
    for where, pick in (
        ("first", lambda r: range(len(r.correct_at()))),
        ("last", lambda r: range(len(r.choices()) - len(r.correct_at()), len(r.choices()))),
    ):
        hits = [r for r in blocks if r.correct_at() == list(pick(r))]
        findings += _pattern(
            "answer-position",
            hits,
            probabilities,
            f"the correct choices are the {where} ones in the file",
            "multiple-choice",
            scope,
        )
    return findings


def _true_false_findings(refs: list[_Ref], scope: str) -> list[Finding]:
    findings: list[Finding] = []
    for answer in (True, False):
        hits = [r for r in refs if r.question.get("answer") is answer]
        findings += _pattern(
            "answer-position",
            hits,
            [0.5] * len(refs),
            f"the answer is {str(answer).lower()}",
            "true/false",
            scope,
        )
    return findings


def _longest_findings(singles: list[_Ref], scope: str) -> list[Finding]:
    hits, probabilities = [], []
    for r in singles:
        lengths = [len(str(c.get("text", ""))) for c in r.choices()]
        key = r.correct_at()
        if len(key) != 1 or len(lengths) < 2:
            continue
        probabilities.append(1 / len(lengths))
        if all(lengths[key[0]] > n for i, n in enumerate(lengths) if i != key[0]):
            hits.append(r)
    return _pattern(
        "longest-answer",
        hits,
        probabilities,
        "the correct choice is the longest",
        "single-choice",
        scope,
    )


def _count_findings(multis: list[_Ref], scope: str) -> list[Finding]:
    findings: list[Finding] = []
    if len(multis) < 4:
        return findings
    for label, move, count_of in (
        ("correct", "pick", lambda r: len(r.correct_at())),
        ("wrong", "leave out", lambda r: len(r.choices()) - len(r.correct_at())),
    ):
        counts = Counter(count_of(r) for r in multis)
        value, n = counts.most_common(1)[0]
        if n * 2 > len(multis):
            hits = [r for r in multis if count_of(r) == value]
            findings.append(
                Finding(
                    "multiple-counts",
                    hits[0].source,
                    (hits[0].index,),
                    f"{n} of {len(multis)} multiple-choice questions{scope} have exactly {value} "
                    f'{label} choices, so "always {move} {value}" is a strategy: vary how many '
                    f"are right ({_ids(hits)})",
                )
            )
    return findings


def _first_word(text: object) -> str:
    match = re.match(r"\W*([^\W_]+)", str(text))
    return match.group(1).casefold() if match else ""


def _odd_one_out(ref: _Ref) -> Finding | None:
    """A first word every wrong choice shares and no right one has (or the reverse)."""
    choices = ref.choices()
    right = [_first_word(c.get("text")) for c in choices if c.get("correct") is True]
    wrong = [_first_word(c.get("text")) for c in choices if c.get("correct") is not True]
    for group, other, who, others in (
        (wrong, right, "every wrong choice", "correct"),
        (right, wrong, "every correct choice", "wrong"),
    ):
        if len(group) >= 2 and len(set(group)) == 1 and group[0] and group[0] not in other:
            return Finding(
                "first-word",
                ref.source,
                (ref.index,),
                f"{ref.id}: {who} starts with {group[0]!r} and no {others} "
                f"choice does, so the odd one out gives the answer away",
            )
    return None


def _much_longer(ref: _Ref) -> Finding | None:
    key = ref.correct_at()
    lengths = [len(str(c.get("text", ""))) for c in ref.choices()]
    if len(key) != 1 or len(lengths) < 2:
        return None
    longest_other = max(n for i, n in enumerate(lengths) if i != key[0])
    mine = lengths[key[0]]
    if mine >= LONG_RATIO * longest_other and mine - longest_other >= LONG_MARGIN:
        return Finding(
            "longest-answer",
            ref.source,
            (ref.index,),
            f"{ref.id}: the correct choice ({mine} characters) is much longer than "
            f"any other (at most {longest_other}): even out the lengths",
        )
    return None


def _per_question(files: Sequence[QuestionFile]) -> list[Finding]:
    findings: list[Finding] = []
    for f in files:
        for i, q in enumerate(f.questions):
            ref = _Ref(f.source, i, q)
            kind = q.get("type")
            if kind in ("single", "multiple"):
                findings += [x for x in (_odd_one_out(ref), _much_longer(ref)) if x]
            if kind == "multiple" and len(ref.correct_at()) == len(ref.choices()):
                findings.append(
                    Finding(
                        "all-correct",
                        f.source,
                        (i,),
                        f"{ref.id}: every choice is correct, so selecting "
                        f"everything is the answer: add wrong choices",
                        important=True,
                    )
                )
            if kind == "matching" and not q.get("distractors"):
                findings.append(
                    Finding(
                        "matching-distractor",
                        f.source,
                        (i,),
                        f"{ref.id}: no distractors, so the last item is "
                        f"matched for free by elimination: add "
                        f"`distractors:` (answers that match no item)",
                        important=True,
                    )
                )
    return findings


def check_answers(files: Sequence[QuestionFile]) -> list[Finding]:
    """Every answer cue in ``files`` (course-wide patterns first, then per question)."""
    findings: list[Finding] = []
    scopes = (("", list(files)), (" in the final pool", [f for f in files if f.final]))
    for scope, chosen in scopes:
        if not chosen or (scope and len(chosen) == len(files)):
            continue  # the final pool is the whole set: judged once
        singles, multis = _refs(chosen, "single"), _refs(chosen, "multiple")
        findings += _position_findings(singles, multis, scope)
        findings += _true_false_findings(_refs(chosen, "true_false"), scope)
        findings += _longest_findings(singles, scope)
        findings += _count_findings(multis, scope)
    return findings + _per_question(files)
