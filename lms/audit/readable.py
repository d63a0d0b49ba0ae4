"""The audit log as people read it: words for actions, names and titles for ids, long
lists collapsed. The stored events stay as they are (ids, codes); this only renders them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from lms.accounts.models import Person
from lms.audit.models import AuditEvent
from lms.courses.models import CourseVersion
from lms.db import session
from lms.domain.assigning import OUTCOME_LABELS
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l

ACTION_WORDS = {
    "assign": _l("Assigned a course"),
    "revoke_certificate": _l("Revoked a certificate"),
    "invite_candidate": _l("Invited a candidate"),
    "hire_candidate": _l("Hired a candidate"),
    "erase_person": _l("Erased a person's data"),
    "create_token": _l("Created an API token"),
    "revoke_token": _l("Revoked an API token"),
    "create_person": _l("Created a person"),
    "update_person": _l("Changed a person"),
    "recheck_certification": _l("Repaired a certification"),
    "request_password_reset": _l("Asked for a password reset"),
    "reset_password": _l("Reset a password"),
    "import_people": _l("Imported people"),
    "send_reminder": _l("Sent a reminder"),
}
FIELD_WORDS = {
    "reason": _l("Reason"),
    "due_on": _l("Due"),
    "people": _l("People"),
    "person_ids": _l("People"),
    "person_id": _l("Person"),
    "manager_id": _l("Manager"),
    "course_ids": _l("Courses"),
    "course": _l("Course"),
    "course_id": _l("Course"),
    "department": _l("Department"),
    "code": _l("Certificate"),
    "revoked_on": _l("Revoked on"),
    "reassign": _l("Re-assigned"),
    "skipped": _l("Left as they were"),
    "changes": _l("Changes"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "unchanged": _l("Unchanged"),
    "file": _l("File"),
    "via": _l("Via"),
    "token_id": _l("API token"),
    "reinvite": _l("Invited again"),
    "completed_on": _l("Completed on"),
    "reminder": _l("Reminder"),
}
#: Codes stored as values, in words (an assignment's reason).
VALUE_WORDS = {
    "reason": {"annual": _l("Annual"), "onboarding": _l("Onboarding"), "manual": _l("Manual")},
}
PERSON_FIELDS = {"person_id", "manager_id", "person_ids"}
COURSE_FIELDS = {"course_id", "course_ids"}
#: Lists longer than this are shown behind a "show all" disclosure.
SHORT_LIST = 5


@dataclass
class Detail:
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)  # a list value, names not ids

    @property
    def long(self) -> bool:
        return len(self.items) > SHORT_LIST


@dataclass
class EventView:
    event: AuditEvent
    action: str
    target: str
    details: list[Detail]


def _ids(events: Iterable[AuditEvent], fields: set[str], target_type: str) -> set[int]:
    found: set[int] = set()
    for e in events:
        if e.target_type == target_type and e.target_id is not None:
            found.add(e.target_id)
        for key, value in (e.details or {}).items():
            if key in fields:
                values = value if isinstance(value, list) else [value]
                found.update(v for v in values if isinstance(v, int))
    return found


def _names(model, column, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _course_titles(ids: set[int]) -> dict[int, str]:
    """Each course's current title (its newest version's), one query."""
    if not ids:
        return {}
    titles: dict[int, str] = {}
    for course_id, title in session.execute(
        select(CourseVersion.course_id, CourseVersion.title)
        .where(CourseVersion.course_id.in_(ids))
        .order_by(CourseVersion.number.desc())
    ):
        titles.setdefault(course_id, title)
    return titles


def _key(key: str) -> str:
    """A key inside a detail in words: a field's name, or an assignment outcome's."""
    if key in OUTCOME_LABELS:
        return _(OUTCOME_LABELS[key])
    return str(FIELD_WORDS.get(key, key))


def _value(key: str, value, people: dict[int, str], courses: dict[int, str]) -> Detail:
    label = str(FIELD_WORDS.get(key, key.replace("_", " ").capitalize()))
    lookup = people if key in PERSON_FIELDS else courses if key in COURSE_FIELDS else None
    if isinstance(value, list):
        items = [lookup.get(v, f"#{v}") if lookup is not None else str(v) for v in value]
        return Detail(label, items=items)
    if isinstance(value, dict):  # changes: {field: [before, after]}; skipped: {outcome: n}
        parts = [
            f"{_key(k)}: {v[0]} → {v[1]}"
            if isinstance(v, list) and len(v) == 2
            else f"{_key(k)}: {v}"
            for k, v in value.items()
        ]
        return Detail(label, items=parts)
    if isinstance(value, bool):
        return Detail(label, str(_l("yes") if value else _l("no")))
    if lookup is not None and isinstance(value, int):
        return Detail(label, lookup.get(value, f"#{value}"))
    if isinstance(value, str) and value in VALUE_WORDS.get(key, {}):
        return Detail(label, str(VALUE_WORDS[key][value]))
    return Detail(label, "—" if value in (None, "") else str(value))


def describe(events: list[AuditEvent]) -> list[EventView]:
    """The events for the page, with every id resolved in two queries at most."""
    people = _names(Person, Person.name, _ids(events, PERSON_FIELDS, "person"))
    courses = _course_titles(_ids(events, COURSE_FIELDS, "course"))
    views = []
    for e in events:
        if e.target_type == "person":
            target = people.get(e.target_id, f"#{e.target_id}")
        elif e.target_type == "course":
            target = courses.get(e.target_id, f"#{e.target_id}")
        elif e.target_type:
            target = f"{e.target_type.replace('_', ' ')} #{e.target_id}"
        else:
            target = "—"
        details = [
            _value(k, v, people, courses)
            for k, v in (e.details or {}).items()
            if not (k == "people" and "person_ids" in (e.details or {}))
        ]
        views.append(EventView(e, str(ACTION_WORDS.get(e.action, e.action)), target, details))
    return views
