"""Queueing xAPI statements for learning events, in the transaction of the event.

Each function is called by the service that records the event, before it commits; it
queues nothing unless ``LMS_XAPI_ENDPOINT`` is set. The outbox key is the statement's
event key, so the same event is queued once (and gets the same statement id) however
often the code around it runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from lms import outbox
from lms.accounts.models import Person
from lms.courses.models import CourseVersion
from lms.db import session, utcnow
from lms.web.urls import absolute_url
from lms.xapi import delivery  # noqa: F401 - registers the outbox kind it queues
from lms.xapi import statements as st

KIND = "xapi"


def enabled() -> bool:
    """Whether statements are sent at all (``LMS_XAPI_ENDPOINT`` is set)."""
    return bool(current_app.config.get("LMS_XAPI_ENDPOINT"))


def site() -> st.Site:
    config = current_app.config
    return st.Site(
        base_url=absolute_url("lms.home.index").rstrip("/"),
        actor=config.get("LMS_XAPI_ACTOR") or "account",
        account_home=config.get("LMS_XAPI_ACCOUNT_HOMEPAGE"),
        verb_base=config.get("LMS_XAPI_VERB_BASE"),
        platform=config["LMS_SITE_NAME"],
        language=config.get("LMS_DEFAULT_LOCALE") or "en",
    )


def _learner(person_id: int) -> st.Learner | None:
    person = session.get(Person, person_id)
    if person is None or person.status == "erased":
        return None
    return st.Learner(
        id=person.id, email=person.email, name=person.name, external_id=person.external_id
    )


def _course(version_id: int) -> st.CourseRef:
    version = session.get(CourseVersion, version_id)
    return st.CourseRef(slug=version.course.slug, title=version.title, version=version.number)


def _queue(
    key: str,
    person_id: int,
    version_id: int,
    verb: str,
    obj_of,
    result=None,
    at: datetime | None = None,
) -> None:
    if not enabled():
        return
    learner = _learner(person_id)
    if learner is None:
        return
    s = site()
    course = _course(version_id)
    statement = st.statement(
        s, key, learner, verb, obj_of(s, course), course, at or utcnow(), result
    )
    outbox.enqueue(KIND, key, {"statement": statement}, person_id=person_id)


def _assessment(kind: str):
    def obj(s: st.Site, course: st.CourseRef) -> dict[str, Any]:
        name = f"{course.title}: {'refresher assessment' if kind == 'refresher' else 'final assessment'}"
        return st.activity(s, "assessment", ("courses", course.slug, kind), name)

    return obj


def check_passed(attempt, module_key: str, module_title: str, percent: float, at: datetime) -> None:
    """A module's knowledge check passed: the module is completed."""

    def obj(s, course):
        return st.activity(
            s, "module", ("courses", course.slug, "modules", module_key), module_title
        )

    _queue(
        f"check:{attempt.id}:completed",
        attempt.person_id,
        attempt.version_id,
        "completed",
        obj,
        st.scored(percent, passed=True),
        at,
    )


def assessment_started(attempt) -> None:
    _queue(
        f"attempt:{attempt.id}:attempted",
        attempt.person_id,
        attempt.version_id,
        "attempted",
        _assessment(attempt.kind),
        at=attempt.started_at,
    )


def assessment_submitted(attempt, percent: float, passed: bool, at: datetime) -> None:
    verb = "passed" if passed else "failed"
    _queue(
        f"attempt:{attempt.id}:{verb}",
        attempt.person_id,
        attempt.version_id,
        verb,
        _assessment(attempt.kind),
        st.scored(percent, passed=passed),
        at,
    )


def decision_answered(
    run, step: int, node_id: str, choice_text: str, score: int, node_text: str
) -> None:
    """One decision of a scenario run (``step`` counts from 1)."""

    def obj(s, course):
        return st.activity(
            s,
            "interaction",
            ("courses", course.slug, "scenarios", run.scenario_key, "nodes", node_id),
            node_text,
            interactionType="choice",
        )

    _queue(
        f"run:{run.id}:step:{step}",
        run.person_id,
        run.version_id,
        "answered",
        obj,
        {"response": choice_text[:200], "score": {"raw": score}},
    )


def scenario_completed(run, title: str, score: int, passed: bool, at: datetime) -> None:
    def obj(s, course):
        return st.activity(
            s, "simulation", ("courses", course.slug, "scenarios", run.scenario_key), title
        )

    _queue(
        f"run:{run.id}:completed",
        run.person_id,
        run.version_id,
        "completed",
        obj,
        st.scored(score, passed=passed),
        at,
    )


def _certificate(period):
    def obj(s, course):
        return st.activity(s, "certificate", ("verify", period.code), f"{course.title} certificate")

    return obj


def certificate_earned(period) -> None:
    verb = "earned" if period.kind == "initial" else "renewed"
    _queue(
        f"period:{period.id}:{verb}",
        period.person_id,
        period.version_id,
        verb,
        _certificate(period),
    )


def certificate_revoked(period, reason: str) -> None:
    _queue(
        f"period:{period.id}:revoked",
        period.person_id,
        period.version_id,
        "revoked",
        _certificate(period),
        {"response": reason[:500]},
    )


def certificate_expired(period) -> None:
    """Queue ``expired`` for a period that ended unrenewed and unrevoked (the outbox key
    makes it once per period, however often the daily run finds it)."""
    _queue(
        f"period:{period.id}:expired",
        period.person_id,
        period.version_id,
        "expired",
        _certificate(period),
        at=datetime.combine(period.valid_until, datetime.min.time()),
    )
