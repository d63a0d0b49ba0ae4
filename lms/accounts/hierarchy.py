"""Manager chains that cannot loop.

Every change of a person's manager (CSV import, the API, hiring a candidate, host
provisioning) goes through :func:`set_manager` or :func:`check_managers`. Both take the
hierarchy lock first — a transaction-level advisory lock on PostgreSQL, so two concurrent
changes that would close a loop between them run one after the other and the second sees
the first — then follow the chain upwards in the database. A change that would close a
loop is refused with a message naming it (``a@x -> b@x -> a@x``).

Reading never trusts the data either: the reporting-tree queries (``lms.accounts.tree``)
terminate even on a loop that got into the database some other way.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, text

from lms.accounts.models import Person
from lms.db import session

# Any constant works: it only has to be the same for every manager change.
_LOCK_KEY = 0x6C6D_7368  # "lmsh"


class ManagerLoop(ValueError):
    """The change would make a person manage themself through others."""

    def __init__(self, chain: list[str]):
        self.chain = chain
        super().__init__("the manager chain would loop: " + " -> ".join(chain))


def lock_hierarchy(db=None) -> None:
    """Serialise manager changes until the end of the transaction (PostgreSQL).

    ``db`` is the session (default) or a connection in the transaction making the change.
    """
    db = db if db is not None else session
    dialect = db.get_bind().dialect if hasattr(db, "get_bind") else db.dialect
    if dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _managers(db) -> dict[int, int]:
    """Every person's manager id, as the database has it now (two integers a person)."""
    rows = db.execute(select(Person.id, Person.manager_id).where(Person.manager_id.is_not(None)))
    return dict(rows.all())


def _loop_through(start: int, managers: Mapping[int, int]) -> list[int] | None:
    """The ids of the loop reached by walking up from ``start``, or None."""
    seen: list[int] = []
    current: int | None = start
    while current is not None and current not in seen:
        seen.append(current)
        current = managers.get(current)
    if current is None:
        return None
    return seen[seen.index(current) :] + [current]


def _emails(db, ids: list[int]) -> list[str]:
    by_id = dict(db.execute(select(Person.id, Person.email).where(Person.id.in_(set(ids)))).all())
    return [by_id.get(i, f"#{i}") for i in ids]


def check_managers(changes: Mapping[int, int | None], db=None) -> None:
    """Refuse (ManagerLoop) a set of manager changes ``{person_id: manager_id}`` that would
    close a loop with each other or with the chains already in the database.

    Takes the hierarchy lock, which holds until the caller's transaction ends, so call it
    in the transaction that makes the changes (``db``: the session by default, or the
    connection making them), just before committing them.
    """
    db = db if db is not None else session
    lock_hierarchy(db)
    managers = _managers(db)
    for person_id, manager_id in changes.items():
        if manager_id is None:
            managers.pop(person_id, None)
        else:
            managers[person_id] = manager_id
    for person_id, manager_id in changes.items():
        if manager_id == person_id:
            raise ManagerLoop(_emails(db, [person_id, person_id]))
        loop = _loop_through(person_id, managers) if manager_id is not None else None
        if loop:
            raise ManagerLoop(_emails(db, loop))


def set_manager(person: Person, manager: Person | None) -> None:
    """Give ``person`` a new manager (or none), refusing a loop; the caller commits."""
    if person.id is None:
        session.flush()
    manager_id = manager.id if manager is not None else None
    if manager_id != person.manager_id:
        check_managers({person.id: manager_id})
    person.manager_id = manager_id
