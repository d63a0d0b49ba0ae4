"""What certification tests: every policy section and every fact in the final pool.

The final assessment and the refresher draw from the final pool, so a section or a fact
with no final-pool question is never checked before a certificate is issued, and one with
a single question is checked by the same memorisable question every time. Both need at
least :data:`MIN_FINAL_QUESTIONS`.
"""

from __future__ import annotations

from collections import Counter

from lms.domain.quality.model import CourseQuality, Finding

MIN_FINAL_QUESTIONS = 2


def _count(n: int) -> str:
    return f"{n} final-pool question{'' if n == 1 else 's'}"


def check_coverage(course: CourseQuality) -> list[Finding]:
    """Sections and facts with too few final-pool questions, and untagged final questions."""
    final = [(f, i, q) for f in course.question_files if f.final for i, q in enumerate(f.questions)]
    by_section = Counter(q.get("section") for _, _, q in final)
    by_fact = Counter(fact for _, _, q in final for fact in q.get("facts") or ())
    findings = [
        Finding(
            "section-coverage",
            course.policy_source,
            ("sections", key),
            f"section {key!r} has {_count(by_section[key])}: at least "
            f"{MIN_FINAL_QUESTIONS} are needed so certification always tests it",
            important=True,
        )
        for key in course.sections
        if by_section[key] < MIN_FINAL_QUESTIONS
    ]
    findings += [
        Finding(
            "fact-coverage",
            course.course_source,
            ("facts", i),
            f"fact {fact.id!r} is tested by {_count(by_fact[fact.id])}: at least "
            f'{MIN_FINAL_QUESTIONS} are needed ("{fact.text}")',
            important=True,
        )
        for i, fact in enumerate(course.facts)
        if by_fact[fact.id] < MIN_FINAL_QUESTIONS
    ]
    if course.facts:
        findings += [
            Finding(
                "fact-tags",
                f.source,
                (i,),
                f"{q.get('id')}: says no `facts:`; name the facts this final-pool question "
                f"tests so coverage can be proved",
            )
            for f, i, q in final
            if not q.get("facts")
        ]
    return findings
