"""Who may see which report rows: the one place reports and exports check access."""

from __future__ import annotations

from flask import abort

from lms.accounts.access import current_person
from lms.reports.queries import Scope


def team_scope() -> Scope:
    """A manager's (or admin's) own reporting tree."""
    person = current_person()
    if person is None or person.role not in ("manager", "admin"):
        abort(403)
    return Scope(manager_id=person.id)


def org_scope(department: str | None = None) -> Scope:
    """The whole organisation (admins only), optionally one department."""
    person = current_person()
    if person is None or person.role != "admin":
        abort(403)
    return Scope(manager_id=None, department=department or None)
