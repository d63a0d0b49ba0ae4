"""Building xAPI 1.0.3 statements from LMS values (no database, no request).

Every statement has a stable ``id`` (a UUID5 of the event's key and time under a
namespace made from the site's URL), an actor (an ``account`` on the site, or an ``mbox``), a verb, an
activity with its ADL type, the course and the course version as context, and a
timestamp of the event. A resend of the same event is the same statement.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ADL = "http://adlnet.gov/expapi"
VERBS = {
    "attempted": f"{ADL}/verbs/attempted",
    "completed": f"{ADL}/verbs/completed",
    "passed": f"{ADL}/verbs/passed",
    "failed": f"{ADL}/verbs/failed",
    "answered": f"{ADL}/verbs/answered",
    "earned": "http://id.tincanapi.com/verb/earned",
}
#: Events ADL and the TinCan registry have no verb for get one of the product's own,
#: under ``LMS_XAPI_VERB_BASE`` (documented in the README).
OWN_VERBS = ("renewed", "expired", "revoked")
ACTIVITY_TYPES = {
    "course": f"{ADL}/activities/course",
    "module": f"{ADL}/activities/module",
    "assessment": f"{ADL}/activities/assessment",
    "simulation": f"{ADL}/activities/simulation",
    "interaction": f"{ADL}/activities/cmi.interaction",
    "certificate": "http://activitystrea.ms/schema/1.0/badge",
}
VERSION_EXTENSION = "version"  # under the activity base: the course version number


@dataclass(frozen=True)
class Site:
    """Where the statements come from: the public base URL and the actor style."""

    base_url: str  # https://portal.example.com/training (the LMS's own URL)
    actor: str = "account"  # or "mbox"
    account_home: str | None = None
    verb_base: str | None = None
    platform: str = "Policy training"
    language: str = "en"

    @property
    def namespace(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, self.base_url)

    def activity_id(self, *parts: str) -> str:
        return "/".join([self.base_url.rstrip("/"), *parts])

    def verb(self, name: str) -> dict[str, Any]:
        if name in VERBS:
            iri = VERBS[name]
        elif name in OWN_VERBS:
            iri = (self.verb_base or self.activity_id("xapi", "verbs")).rstrip("/") + "/" + name
        else:
            raise ValueError(f"unknown verb {name!r}")
        return {"id": iri, "display": {"en-US": name}}


@dataclass(frozen=True)
class Learner:
    id: int
    email: str
    name: str
    external_id: str | None = None


@dataclass(frozen=True)
class CourseRef:
    slug: str
    title: str
    version: int


def actor(site: Site, learner: Learner) -> dict[str, Any]:
    """The learner as an xAPI Agent: an account on the site (default) or their mbox."""
    if site.actor == "mbox":
        return {"objectType": "Agent", "name": learner.name, "mbox": f"mailto:{learner.email}"}
    return {
        "objectType": "Agent",
        "name": learner.name,
        "account": {
            "homePage": site.account_home or site.base_url,
            "name": learner.external_id or str(learner.id),
        },
    }


def activity(
    site: Site, kind: str, path: tuple[str, ...], name: str, **definition
) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": site.activity_id(*path),
        "definition": {"type": ACTIVITY_TYPES[kind], "name": {site.language: name}, **definition},
    }


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def statement(
    site: Site,
    key: str,
    learner: Learner,
    verb: str,
    obj: dict[str, Any],
    course: CourseRef,
    at: datetime,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One statement; ``key`` names the event (``attempt:12:passed``) and makes the id."""
    course_activity = activity(site, "course", ("courses", course.slug), course.title)
    context: dict[str, Any] = {
        "platform": site.platform,
        "language": site.language,
        "contextActivities": {"grouping": [course_activity]}
        if obj["id"] != course_activity["id"]
        else {},
        "extensions": {site.activity_id("xapi", "extensions", VERSION_EXTENSION): course.version},
    }
    if obj["id"] != course_activity["id"]:
        context["contextActivities"]["parent"] = [course_activity]
    data: dict[str, Any] = {
        # The event and its time: unique even if a database reuses a deleted row's id. The
        # statement is built once, when queued, so every resend carries this same id.
        "id": str(uuid.uuid5(site.namespace, f"{key}@{_iso(at)}")),
        "actor": actor(site, learner),
        "verb": site.verb(verb),
        "object": obj,
        "context": context,
        "timestamp": _iso(at),
    }
    if result:
        data["result"] = result
    return data


def scored(
    percent: float, *, passed: bool | None = None, completion: bool = True
) -> dict[str, Any]:
    """An xAPI result from a percentage (scaled 0..1, raw and max, success, completion)."""
    result: dict[str, Any] = {
        "score": {
            "scaled": round(percent / 100, 4),
            "raw": round(percent, 1),
            "min": 0,
            "max": 100,
        },
        "completion": completion,
    }
    if passed is not None:
        result["success"] = passed
    return result
