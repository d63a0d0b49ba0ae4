"""Test helpers: answering attempts right or wrong from their stored snapshot, and
counting SQL statements."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


def tokenised(app, attempt_id: int, questions: list[dict], data: dict) -> dict:
    """``data`` (choice ids and option texts, from ``answers``) as the page sends it: in the
    attempt's opaque answer tokens."""
    from lms.quizzes.tokens import answer_token

    by_id = {q["id"]: q for q in questions}
    out: dict = {}
    with app.app_context():
        for name, value in data.items():
            qid = next(
                i
                for i in sorted(by_id, key=len, reverse=True)
                if name == f"q-{i}" or name.startswith(f"q-{i}-")
            )
            convert = lambda v, qid=qid: answer_token(attempt_id, qid, v)  # noqa: E731
            out[name] = [convert(v) for v in value] if isinstance(value, list) else convert(value)
    return out


def answers(
    questions: list[dict], *, right: bool = True, app=None, attempt_id: int | None = None
) -> dict[str, list[str] | str]:
    """Form data answering every shown question correctly (or every one wrongly); with
    ``app`` and ``attempt_id``, in that attempt's answer tokens, as a page sends it."""
    if app is not None:
        return tokenised(app, attempt_id, questions, answers(questions, right=right))
    data: dict[str, list[str] | str] = {}
    for q in questions:
        name = f"q-{q['id']}"
        if q["type"] == "matching":
            options = [p["right"] for p in q["pairs"]]
            for i, p in enumerate(q["pairs"]):
                data[f"{name}-{p['id']}"] = p["right"] if right else options[(i + 1) % len(options)]
        elif q["type"] == "multiple":
            data[name] = [c["id"] for c in q["choices"] if c["correct"] == right]
        else:
            data[name] = next(c["id"] for c in q["choices"] if c["correct"] == right)
    return data


@contextmanager
def count_queries(engine):
    """Count the SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def edited_courses(tmp_path, edits: dict[str, list[tuple[str, str]]]):
    """A copy of the fixture courses with text replaced, for re-sync tests.

    ``edits`` maps a path under the courses folder (``"mini/policy.md"``) to
    ``(old, new)`` replacements; each ``old`` must be there, so a stale edit fails loudly.
    """
    import shutil

    from tests.conftest import FIXTURE_COURSES

    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, root)
    for rel, replacements in edits.items():
        path = root / rel
        text = path.read_text()
        for old, new in replacements:
            assert old in text, f"{old!r} not in {rel}"
            text = text.replace(old, new)
        path.write_text(text)
    return root
