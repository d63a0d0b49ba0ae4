"""Reporting trees, computed in SQL with a recursive CTE (SQLite and PostgreSQL).

The CTE carries person ids only and combines its steps with ``UNION`` (not ``UNION
ALL``), which drops rows already found: it ends after at most one step per person even
if the manager chain loops (``lms.accounts.hierarchy`` refuses loops; this makes reports
safe on data that has one anyway).
"""

from __future__ import annotations

from sqlalchemy import literal, select

from lms.accounts.models import Person
from lms.db import session


def tree_cte(manager_id: int, *, include_self: bool = False):
    """A CTE of the ids of everyone who reports to ``manager_id``, directly or not."""
    base = select(Person.id.label("id")).where(Person.manager_id == manager_id)
    tree = base.cte("lms_tree", recursive=True)
    tree = tree.union(select(Person.id).where(Person.manager_id == tree.c.id))
    if include_self:
        return select(tree.c.id).union(select(literal(manager_id))).subquery()
    return tree


def report_ids(manager_id: int) -> set[int]:
    """Everyone in ``manager_id``'s reporting tree (not the manager, unless in a loop)."""
    tree = tree_cte(manager_id)
    return set(session.scalars(select(tree.c.id))) - {manager_id}


def in_tree(manager_id: int, person_id: int) -> bool:
    """Whether ``person_id`` reports to ``manager_id``, directly or through others."""
    tree = tree_cte(manager_id)
    return session.scalar(select(tree.c.id).where(tree.c.id == person_id)) is not None
