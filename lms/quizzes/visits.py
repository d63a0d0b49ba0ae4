"""Opening a module page: the learner's "read" mark and open knowledge check, in one
statement (every module page needs both; the write happens only on a first visit, or
when the policy text under the module changed since it was read)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import and_, bindparam, literal, select

from lms.courses.models import Module, ModuleProgress
from lms.db import core_rows
from lms.quizzes import services
from lms.quizzes.models import Attempt


class OpenCheck(NamedTuple):
    """An open knowledge-check attempt as a module page shows it (read-only): the
    attributes of :class:`Attempt` the page and ``services.questions_for_page`` read."""

    id: int
    version_id: int
    seed: str
    pass_mark: int
    questions: list


_person, _course, _module = bindparam("person"), bindparam("course"), bindparam("module")
_READ_HASH = (
    select(ModuleProgress.sections_hash)
    .where(
        ModuleProgress.person_id == _person,
        ModuleProgress.course_id == _course,
        ModuleProgress.module_key == _module,
    )
    .scalar_subquery()
)
#: One row: the sections hash the module was read on (NULL: never read) beside the open
#: check attempt, if there is one.
_VISIT = (
    select(
        _READ_HASH.label("read_hash"),
        # What a module page needs of the check, not the whole row as an ORM object:
        # the page is the LMS's most visited, and the ORM's loading (and reading every
        # column: answers, results...) cost more than the rest of this statement.
        Attempt.id,
        Attempt.version_id,
        Attempt.seed,
        Attempt.pass_mark,
        Attempt.questions,
    )
    .select_from(select(literal(1).label("one")).subquery("one"))
    .outerjoin(
        Attempt,
        and_(
            Attempt.person_id == _person,
            Attempt.course_id == _course,
            Attempt.kind == "check",
            Attempt.module_key == _module,
            Attempt.submitted_at.is_(None),
        ),
    )
)


def visit_module(person_id: int, module: Module, course_id: int) -> OpenCheck | None:
    """Mark the module read (as :func:`services.mark_read`) and return its open knowledge
    check attempt (what the page shows of it), None when there is none yet
    (``services.check_for`` draws one)."""
    row = core_rows(_VISIT, {"person": person_id, "course": course_id, "module": module.key})[0]
    if row.read_hash != module.sections_hash:
        services.mark_read(person_id, module, course_id)
    if row.id is None:
        return None
    return OpenCheck(row.id, row.version_id, row.seed, row.pass_mark, row.questions)
