"""Drawing, presenting and grading attempts. The draw and the grading happen here, on
the server; pages only ever see ``public_view`` of the questions."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from lms import signals
from lms.courses.models import CourseVersion, Module, ModuleProgress, Question
from lms.db import session, utcnow
from lms.domain.draw import present_all, present_refresher
from lms.domain.questions import grade, passed, question_from_dict, score_percent, unanswered
from lms.i18n import locale_code
from lms.quizzes.models import Attempt
from lms.quizzes.responses import FormData
from lms.quizzes.tokens import StaleAnswer, Unanswered, page_questions, responses_from_tokens
from lms.xapi import events as xapi


class AttemptNotAllowed(Exception):
    """The learner may not start this assessment now; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _pool(version_id: int, module_key: str | None) -> list:
    cond = Question.module_key == module_key if module_key else Question.module_key.is_(None)
    rows = session.scalars(
        select(Question).where(Question.version_id == version_id, cond).order_by(Question.position)
    )
    return [question_from_dict(q.data) for q in rows]


def _html_by_id(version_id: int, keys: list[str]) -> dict[str, dict[str, str]]:
    rows = session.execute(
        select(Question.key, Question.data).where(
            Question.version_id == version_id, Question.key.in_(keys)
        )
    )
    return {
        k: {"prompt_html": d.get("prompt_html", ""), "feedback_html": d.get("feedback_html", "")}
        for k, d in rows
    }


#: The open attempt of a person, course, kind and module (at most one: a unique index).
_OPEN_ATTEMPT = select(Attempt).where(
    Attempt.person_id == bindparam("person"),
    Attempt.course_id == bindparam("course"),
    Attempt.kind == bindparam("kind"),
    Attempt.module_key == bindparam("module"),
    Attempt.submitted_at.is_(None),
)


def open_attempt(person_id: int, course_id: int, kind: str, module_key: str = "") -> Attempt | None:
    return session.scalar(
        _OPEN_ATTEMPT,
        {"person": person_id, "course": course_id, "kind": kind, "module": module_key},
    )


def own_attempt(person_id: int, attempt_id: int) -> Attempt | None:
    """The attempt if it is the person's own; None for anyone else's or a missing one."""
    attempt = session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.person_id == person_id else None


def _create(
    person_id: int,
    version: CourseVersion,
    kind: str,
    module_key: str,
    n: int | None,
    pass_mark: int,
    needs=None,
) -> Attempt:
    """Draw and store a new attempt, or return the open one a concurrent request made.

    A refresher's draw leans on the sections that changed since the learner's certificate
    and covers every section the changed modules do not (``lms.domain.draw``)."""
    seed = secrets.token_hex(8)
    pool = _pool(version.id, module_key or None)
    if kind == "refresher" and needs is not None:
        shown = present_refresher(
            pool, seed, n, changed=needs.changed_sections, covered=needs.covered_sections
        )
    else:
        shown = present_all(pool, seed, n)
    extras = _html_by_id(version.id, [q["id"] for q in shown])
    for q in shown:
        q.update(extras.get(q["id"], {}))
    attempt = Attempt(
        person_id=person_id,
        course_id=version.course_id,
        version_id=version.id,
        kind=kind,
        module_key=module_key,
        seed=seed,
        pass_mark=pass_mark,
        questions=shown,
        locale=locale_code(),
    )
    session.add(attempt)
    try:
        # Flushes the attempt first: a concurrent duplicate fails here, as at the commit.
        signals.record_activity(person_id, version.course_id)
        if kind != "check":
            session.flush()
            xapi.assessment_started(attempt)
        session.commit()
    except IntegrityError:
        # Double click or second tab: the unique open-attempt index kept one; resume it.
        session.rollback()
        existing = open_attempt(person_id, version.course_id, kind, module_key)
        if existing is None:
            raise
        return existing
    return attempt


def check_for(person_id: int, version: CourseVersion, module: Module) -> Attempt:
    """The open knowledge-check attempt for a module, drawn on first need."""
    existing = open_attempt(person_id, version.course_id, "check", module.key)
    if existing is not None:
        return existing
    return _create(person_id, version, "check", module.key, None, module.pass_mark)


def start_assessment(
    person_id: int,
    version: CourseVersion,
    gate,
    *,
    kind: str = "final",
    draw: int | None = None,
    needs=None,
) -> Attempt:
    """Resume the open attempt, or draw a new one if the gate allows it."""
    existing = open_attempt(person_id, version.course_id, kind)
    if existing is not None:
        return existing
    if not gate.can_start:
        raise AttemptNotAllowed(gate.reason or "not allowed")
    settings = version.course_settings.assessment
    return _create(person_id, version, kind, "", draw or settings.draw, settings.pass_mark, needs)


_PROGRESS_ROW = select(ModuleProgress).where(
    ModuleProgress.person_id == bindparam("person"),
    ModuleProgress.course_id == bindparam("course"),
    ModuleProgress.module_key == bindparam("module"),
)


def mark_read(person_id: int, module: Module, course_id: int) -> None:
    """Record that the learner opened the module (idempotent)."""
    row = session.scalar(
        _PROGRESS_ROW, {"person": person_id, "course": course_id, "module": module.key}
    )
    if row is None:
        session.add(
            ModuleProgress(
                person_id=person_id,
                course_id=course_id,
                module_key=module.key,
                sections_hash=module.sections_hash,
            )
        )
    elif row.sections_hash != module.sections_hash:
        # The policy text under this module changed: earlier progress no longer counts.
        row.sections_hash, row.read_at, row.passed_at, row.best_score = (
            module.sections_hash,
            utcnow(),
            None,
            None,
        )
    else:
        return
    try:
        if row is None:  # flushes the new row first: a duplicate fails here, as at commit
            signals.record_activity(person_id, course_id)
        session.commit()
    except IntegrityError:
        session.rollback()  # the same page loaded twice at once: one row is enough


def grade_attempt(attempt: Attempt, responses: dict[str, Any]) -> tuple[list[dict], float, bool]:
    """Grade against the attempt's own snapshot: the version it was started on."""
    results, grades = [], []
    for q in attempt.questions:
        g = grade(q, responses.get(q["id"]))
        grades.append(g)
        result = {
            "id": q["id"],
            "section": q["section"],
            "score": g.score,
            "correct": g.correct,
            "picked": list(g.picked),
        }
        chosen = {n.id: n.chosen for n in g.notes if n.chosen is not None}
        if chosen:  # matching: what each item was matched to, and which matches count
            result["chosen"] = chosen
            result["right_pairs"] = [n.id for n in g.notes if n.correct]
        results.append(result)
    percent = score_percent(grades)
    return results, percent, passed(percent, attempt.pass_mark)


#: Record a result once: the SET columns are the parameters' other keys (Core, not the
#: ORM's bulk UPDATE, which costs more than the statement; nothing loaded is synchronized).
_RECORD = update(Attempt.__table__).where(
    Attempt.__table__.c.id == bindparam("attempt"), Attempt.__table__.c.submitted_at.is_(None)
)


def submit(attempt: Attempt, form: FormData, *, every_question: bool = False) -> Attempt:
    """Grade and record an attempt once; submitting again returns the recorded result.

    With ``every_question`` (the final assessment, whose attempts are counted) a page
    with a question left blank raises :class:`Unanswered` and records nothing.

    The conditional UPDATE (``WHERE submitted_at IS NULL``) makes a double click, the back
    button or two tabs record exactly one result, even when the requests race. When the
    attempt passes and was the last requirement, the certificate is issued in the same
    transaction: the result and the certificate are committed together, or neither is
    (the attempt then stays open and can be submitted again). The certificate is
    certification's part, an area above this one: it receives ``requirement_passed``.
    """
    if attempt.submitted_at is not None:
        return attempt
    responses = responses_from_tokens(attempt, form)  # StaleAnswer for a forged value
    if every_question and (blank := unanswered(attempt.questions, responses)):
        raise Unanswered(blank)
    results, percent, ok = grade_attempt(attempt, responses)
    now = utcnow()
    recorded = {"submitted_at": now, "answers": responses, "results": results}
    # ``locale``: the language of the page answered (see Attempt.locale)
    recorded |= {"score": percent, "passed": ok, "locale": locale_code()}
    module = None
    after_commit: list = []
    try:
        won = session.connection().execute(_RECORD, {"attempt": attempt.id, **recorded}).rowcount
        if won and attempt.kind == "check" and ok:
            module = _record_check_pass(attempt, percent, now)
            xapi.check_passed(attempt, module.key, module.title, percent, now)
        elif won and attempt.kind != "check":
            xapi.assessment_submitted(attempt, percent, ok, now)
        if (
            won and ok
        ):  # any passed requirement may be the last one (a refresher can end on a module)
            after_commit = signals.pass_requirement(attempt.person_id, attempt.course_id)
        if won:  # kept loaded through the commit: what was written is set on it below
            session.expunge(attempt)
        session.commit()
    except Exception:
        session.rollback()
        if attempt not in session:
            session.add(attempt)
        raise
    _as_recorded(attempt, recorded if won else None)
    if won:
        app = current_app._get_current_object()
        if module is not None:
            signals.module_completed.send(app, person_id=attempt.person_id, module=module)
        signals.attempt_submitted.send(app, attempt=attempt)
        for announce in after_commit:
            announce()
    return attempt


def _as_recorded(attempt: Attempt, recorded: dict[str, Any] | None) -> None:
    """The attempt as stored after ``submit``'s commit: ``recorded`` is what this request
    wrote (set on the row kept out of the session, no reading back); None when another
    request recorded the attempt first (its result is read)."""
    if recorded is None:
        session.refresh(attempt)
        return
    for name, value in recorded.items():
        set_committed_value(attempt, name, value)
    session.add(attempt)  # back in the session, as loaded, with nothing to write


def _record_check_pass(attempt: Attempt, percent: float, now) -> Module:
    """Mark the module complete in this cycle (in the caller's transaction)."""
    module = session.scalar(
        select(Module).where(
            Module.version_id == attempt.version_id, Module.key == attempt.module_key
        )
    )
    row = session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.person_id == attempt.person_id,
            ModuleProgress.course_id == attempt.course_id,
            ModuleProgress.module_key == attempt.module_key,
        )
    )
    if row is None:
        row = ModuleProgress(
            person_id=attempt.person_id,
            course_id=attempt.course_id,
            module_key=attempt.module_key,
            sections_hash=module.sections_hash,
            read_at=now,
        )
        session.add(row)
    # Passing the check counts as reading the module in this cycle too.
    row.sections_hash, row.read_at, row.passed_at = module.sections_hash, now, now
    row.best_score = max(row.best_score or 0, percent)
    return module


def attempts_of(person_id: int, course_id: int, kind: str) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .where(
                Attempt.person_id == person_id,
                Attempt.course_id == course_id,
                Attempt.kind == kind,
                Attempt.submitted_at.is_not(None),
            )
            .order_by(Attempt.submitted_at.desc())
        )
    )


def history_and_open(attempts: list) -> tuple[list, Any]:
    """The submitted ``attempts`` (rows with ``module_key``, ``submitted_at``, ...: what
    ``certification.progress_and_attempts_for`` lists) newest first, and the open one of
    the whole assessment if any."""
    history = sorted(
        (a for a in attempts if a.submitted_at is not None),
        key=lambda a: a.submitted_at,
        reverse=True,
    )
    return history, next(
        (a for a in attempts if a.submitted_at is None and a.module_key == ""), None
    )


_PAGES_KEY = "lms.quizzes.pages"
_PAGES_SIZE = 4096  # attempts; an entry is a few kB


def questions_for_page(attempt: Attempt) -> list[dict]:
    """The attempt's questions without answers, feedback or choice ids: all a page may
    hold (values are the attempt's opaque answer tokens, ``lms.quizzes.tokens``).

    An attempt's drawn questions never change, so each page view is made once per app
    process (keyed by the attempt's id and random seed, so another database reusing the
    id is another entry) and shared: read-only for its callers."""
    cache = current_app.extensions["lms"].extra.setdefault(_PAGES_KEY, {})
    key = (attempt.id, attempt.seed, current_app.secret_key)
    found = cache.get(key)
    if found is None:
        if len(cache) >= _PAGES_SIZE:
            cache.clear()
        found = cache[key] = page_questions(attempt)
    return found


__all__ = [
    "AttemptNotAllowed",
    "StaleAnswer",
    "Unanswered",
    "check_for",
    "questions_for_page",
    "start_assessment",
    "submit",
]
