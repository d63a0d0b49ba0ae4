"""Test helpers: answering attempts right or wrong from their stored snapshot, and
counting SQL statements."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


def answers(questions: list[dict], *, right: bool = True) -> dict[str, list[str] | str]:
    """Form data answering every shown question correctly (or every one wrongly)."""
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
