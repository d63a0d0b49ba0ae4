"""Policy acknowledgements: a learner signs that they read and accept the policy's text.

A course asks for one with ``acknowledge_policy: true`` in its course.yaml. The learner
reads the whole policy, ticks the statement and types their name; the row keeps the time,
the version shown and the policy's content hash. It is a requirement of certification
(``lms.domain.progress``), it shows in reports, exports and the API, and a changed policy
text asks for it again (the hash no longer matches). A double submit stores one row.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from lms import signals
from lms.certification import services as certification
from lms.certification.models import PolicyAcknowledgement
from lms.courses.models import CourseVersion
from lms.db import session, utcnow
from lms.domain.text import fold
from lms.once import insert_ignoring_duplicates


def asks_for_it(version: CourseVersion) -> bool:
    """Whether the course asks its learners to acknowledge the policy."""
    return version.course_settings.acknowledge_policy


def signature_matches(typed: str | None, name: str) -> bool:
    """The typed name is the person's name, ignoring case, accents and extra spaces."""
    def norm(text: str | None) -> str:
        return " ".join(fold(text).split())
    return bool(norm(typed)) and norm(typed) == norm(name)


def current_for(person_id: int, version: CourseVersion) -> PolicyAcknowledgement | None:
    """The person's acknowledgement of this version's policy text, if any."""
    return session.scalar(select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.person_id == person_id,
        PolicyAcknowledgement.course_id == version.course_id,
        PolicyAcknowledgement.policy_hash == (version.policy_hash or "")))


def latest_of(person_id: int, course_id: int) -> PolicyAcknowledgement | None:
    """The person's newest acknowledgement of the course's policy (any text)."""
    return session.scalar(select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.person_id == person_id, PolicyAcknowledgement.course_id == course_id)
        .order_by(PolicyAcknowledgement.acknowledged_at.desc()).limit(1))


def sign(person_id: int, version: CourseVersion, typed_name: str) -> bool:
    """Record the acknowledgement of ``version``'s policy text; whether this call stored it.

    It may be the last requirement: the certificate is issued in the same transaction. A
    second (or concurrent) submit of the same text stores nothing more.
    """
    period = None
    try:
        stored = session.execute(insert_ignoring_duplicates(
            PolicyAcknowledgement, ["person_id", "course_id", "policy_hash"]).values(
            person_id=person_id, course_id=version.course_id, version_id=version.id,
            policy_hash=version.policy_hash or "", typed_name=typed_name.strip()[:200],
            acknowledged_at=utcnow())).rowcount > 0
        if stored:
            period = certification.certify_if_complete(person_id, version.course_id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if stored:
        signals.policy_acknowledged.send(current_app._get_current_object(), person_id=person_id,
                                         version=version)
    if period is not None:
        certification.announce_issued(period)
    return stored
