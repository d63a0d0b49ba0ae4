"""Policy acknowledgements: a learner signs that they read and accept the policy's text.

A course asks for one with ``acknowledge_policy: true`` in its course.yaml. The learner
reads the whole policy, ticks the statement and types their name; the row keeps the time,
the version shown and the policy's content hash. It is a requirement of certification
(``lms.domain.progress``), it shows in reports, exports and the API, and a changed policy
text asks for it again (the hash no longer matches). A double submit stores one row.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import DateTime, and_, cast, null, or_, select
from sqlalchemy.orm import aliased

from lms import signals
from lms.accounts.models import Person
from lms.certification import services as certification
from lms.certification.models import PolicyAcknowledgement
from lms.courses.models import CourseVersion
from lms.courses.services import latest_versions
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


def sign_as(person, version: CourseVersion, typed_name: str) -> bool:
    """Sign for ``person`` when the typed name is theirs; False (nothing stored) otherwise."""
    if not signature_matches(typed_name, person.name):
        return False
    sign(person.id, version, typed_name)
    return True


def current_for(person_id: int, version: CourseVersion) -> PolicyAcknowledgement | None:
    """The person's acknowledgement of this version's policy text, if any."""
    return session.scalar(
        select(PolicyAcknowledgement).where(
            PolicyAcknowledgement.person_id == person_id,
            PolicyAcknowledgement.course_id == version.course_id,
            PolicyAcknowledgement.policy_hash == (version.policy_hash or ""),
        )
    )


def latest_of(person_id: int, course_id: int) -> PolicyAcknowledgement | None:
    """The person's newest acknowledgement of the course's policy (any text)."""
    return session.scalar(
        select(PolicyAcknowledgement)
        .where(
            PolicyAcknowledgement.person_id == person_id,
            PolicyAcknowledgement.course_id == course_id,
        )
        .order_by(PolicyAcknowledgement.acknowledged_at.desc())
        .limit(1)
    )


def sign(person_id: int, version: CourseVersion, typed_name: str) -> bool:
    """Record the acknowledgement of ``version``'s policy text; whether this call stored it.

    It may be the last requirement: the certificate is issued in the same transaction. A
    second (or concurrent) submit of the same text stores nothing more.
    """
    period = None
    try:
        stored = (
            session.execute(
                insert_ignoring_duplicates(
                    PolicyAcknowledgement, ["person_id", "course_id", "policy_hash"]
                )
                .values(
                    person_id=person_id,
                    course_id=version.course_id,
                    version_id=version.id,
                    policy_hash=version.policy_hash or "",
                    typed_name=typed_name.strip()[:200],
                    acknowledged_at=utcnow(),
                )
                .returning(PolicyAcknowledgement.id)
            ).scalar()
            is not None
        )
        # (RETURNING, not rowcount: PostgreSQL's driver reports -1 for a conflict-skipping insert)
        if stored:
            period = certification.certify_if_complete(person_id, version.course_id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if stored:
        signals.policy_acknowledged.send(
            current_app._get_current_object(), person_id=person_id, version=version
        )
    if period is not None:
        certification.announce_issued(period)
    return stored


def signed_current(emails: list[str]) -> dict[tuple[str, str], datetime]:
    """(person e-mail, course slug) -> when they signed the *current* policy text of that
    course, for the people given; two queries whatever their number (exports, the API)."""
    if not emails:
        return {}
    current = {
        v.course_id: (v.course.slug, v.policy_hash)
        for v in latest_versions()
        if v.course_settings.acknowledge_policy and v.policy_hash
    }
    if not current:
        return {}
    out: dict[tuple[str, str], datetime] = {}
    rows = session.execute(
        select(
            Person.email,
            PolicyAcknowledgement.course_id,
            PolicyAcknowledgement.policy_hash,
            PolicyAcknowledgement.acknowledged_at,
        )
        .join(Person, Person.id == PolicyAcknowledgement.person_id)
        .where(Person.email.in_(emails), PolicyAcknowledgement.course_id.in_(list(current)))
    )
    for email, course_id, policy, signed in rows:
        slug, wanted = current[course_id]
        if policy == wanted:
            out[(email, slug)] = signed
    return out


def current_policy_hashes() -> dict[int, str]:
    """Course id -> the hash of its current policy text, for courses that ask for a signature."""
    return {
        v.course_id: v.policy_hash
        for v in latest_versions()
        if v.course_settings.acknowledge_policy and v.policy_hash
    }


def with_signed_at(stmt, person_id, course_id):
    """``stmt`` with one more column, ``policy_acknowledged_at``: when the person signed the
    course's *current* policy text (as ``signed_current``), or NULL. An outer join in the
    same statement (at most one row per person and course: the unique key), so a streamed
    export looks nothing up per chunk."""
    current = current_policy_hashes()
    if not current:
        return stmt.add_columns(cast(null(), DateTime).label("policy_acknowledged_at"))
    ack = aliased(PolicyAcknowledgement, name="ack")
    return stmt.add_columns(ack.acknowledged_at.label("policy_acknowledged_at")).outerjoin(
        ack,
        and_(
            ack.person_id == person_id,
            ack.course_id == course_id,
            or_(*(and_(ack.course_id == c, ack.policy_hash == h) for c, h in current.items())),
        ),
    )
