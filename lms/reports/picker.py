"""The assign page's people picker: who is ticked and who matches the search box.

It works without JavaScript: the search is a submit that comes back to the server,
which lists the matches as checkboxes; the people already ticked are listed (ticked)
whatever the search, so a selection survives any number of searches. Matching is
accent- and case-insensitive, on the folded name and e-mail the reports search too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.accounts.tree import report_ids
from lms.db import session
from lms.domain.text import fold
from lms.reports.reach import REACHABLE

#: At most this many matches are listed; the page asks to refine the search beyond it.
LIMIT = 50
MAX_ID = 2**31 - 1  # the largest value of an INTEGER id column


@dataclass(frozen=True)
class Picker:
    """``selected``: the ticked people; ``matches``: others matching ``query`` (at most
    ``LIMIT``); ``more``: how many further matches are not listed."""

    query: str
    selected: list[Person]
    matches: list[Person]
    more: int


def as_ids(values) -> list[int]:
    """The digits-only values of a multi-valued form field, as ids (others dropped,
    and so are numbers no id column can hold)."""
    return [
        int(v)
        for v in values or []
        if isinstance(v, str) and v.isascii() and v.isdigit() and int(v) <= MAX_ID
    ]


def pick(viewer: Person, query: str, selected_ids: list[int], limit: int = LIMIT) -> Picker:
    """The picker's lists for ``viewer`` (admins: everyone; managers: their tree)."""
    base = select(Person).where(Person.status.in_(REACHABLE))
    if viewer.role != "admin":
        base = base.where(Person.id.in_(report_ids(viewer.id) or {-1}))
    selected = list(
        session.scalars(
            base.where(Person.id.in_(selected_ids or [-1])).order_by(Person.name, Person.id)
        )
    )
    matching = base.where(Person.id.not_in([p.id for p in selected] or [-1]))
    query = (query or "").strip()
    if query:
        term = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matching = matching.where(Person.search_name.like(f"%{term}%", escape="\\"))
    matches = list(session.scalars(matching.order_by(Person.name, Person.id).limit(limit)))
    more = 0
    if len(matches) == limit:
        total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
        more = max(0, total - limit)
    return Picker(query, selected, matches, more)
