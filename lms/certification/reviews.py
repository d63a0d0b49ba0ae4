"""Policy-change reviews: when a new version changes policy sections, everyone certified
is asked to review what changed, and acknowledges it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Row, bindparam, select, update

from lms.certification.models import CertificationPeriod, ReviewTask
from lms.clock import today as clock_today
from lms.courses.models import CourseVersion, PolicySection
from lms.courses.versions import cached_versions
from lms.db import core_rows, session, utcnow
from lms.once import insert_ignoring_duplicates


def section_hashes(version_id: int) -> dict[str, str]:
    return dict(
        session.execute(
            select(PolicySection.key, PolicySection.content_hash).where(
                PolicySection.version_id == version_id
            )
        ).all()
    )


def changed_sections(old: CourseVersion, new: CourseVersion) -> list[str]:
    """Keys of sections added, removed or changed between two versions, in new order."""
    before, after = section_hashes(old.id), section_hashes(new.id)
    changed = [k for k, h in after.items() if before.get(k) != h]
    return changed + [k for k in before if k not in after]


def create_review_tasks(new: CourseVersion, today: date | None = None) -> int:
    """Ask everyone currently certified to review what changed (if the course says so)."""
    today = today or clock_today()
    if not new.course_settings.review_on_change:
        return 0
    old = session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == new.course_id, CourseVersion.number == new.number - 1
        )
    )
    if old is None:
        return 0
    keys = changed_sections(old, new)
    if not keys:
        return 0
    certified = session.scalars(
        select(CertificationPeriod.person_id)
        .where(
            CertificationPeriod.course_id == new.course_id,
            CertificationPeriod.certified_on <= today,
            CertificationPeriod.valid_until >= today,
            CertificationPeriod.revoked_on.is_(None),
        )
        .distinct()
    ).all()
    due = today + timedelta(days=new.course_settings.review_due_days)
    if not certified:
        return 0
    # One task per person and version (unique key): a second sync of the same version,
    # even a concurrent one, adds nothing.
    table = ReviewTask.__table__
    rows = [
        {
            "person_id": pid,
            "course_id": new.course_id,
            "from_version_id": old.id,
            "to_version_id": new.id,
            "section_keys": keys,
            "created_on": today,
            "due_on": due,
        }
        for pid in certified
    ]
    created = session.execute(
        insert_ignoring_duplicates(table, ["person_id", "to_version_id"]).returning(table.c.id),
        rows,
    ).all()
    session.commit()
    return len(created)


def acknowledge(task: ReviewTask) -> bool:
    """Record that the learner reviewed the changes; True the first time only (a double
    click or a second tab changes nothing)."""
    won = session.execute(
        update(ReviewTask)
        .where(ReviewTask.id == task.id, ReviewTask.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    session.refresh(task)
    return bool(won)


@dataclass(frozen=True)
class Review:
    """A review task with the versions it compares."""

    task: ReviewTask
    old: CourseVersion
    new: CourseVersion


def review_for(person_id: int, task_id: int) -> Review | None:
    """The person's own review task with its versions; None for anyone else's or none."""
    task = session.get(ReviewTask, task_id)
    if task is None or task.person_id != person_id:
        return None
    return Review(
        task,
        session.get(CourseVersion, task.from_version_id),
        session.get(CourseVersion, task.to_version_id),
    )


_OPEN_REVIEWS = (
    select(ReviewTask.id, ReviewTask.to_version_id, ReviewTask.due_on)
    .where(
        ReviewTask.person_id == bindparam("person"),
        ReviewTask.course_id.in_(bindparam("courses", expanding=True)),
        ReviewTask.acknowledged_at.is_(None),
    )
    .order_by(ReviewTask.due_on, ReviewTask.id)
)


def open_reviews_of(person_id: int, certified_in: list[int]) -> list[tuple[Row, CourseVersion]]:
    """The person's unacknowledged review tasks in courses ``certified_in`` (each a row of
    ``id``, ``to_version_id`` and ``due_on``, all the home page shows) with the version
    each asks them to read, soonest due first: one column select, the versions from the
    process's cache.

    Tasks are only ever created for people holding a certification period of the course
    (:func:`create_review_tasks`), and periods are never deleted on their own, so the
    caller passes the courses the person has periods in; someone never certified (most
    candidates and new starters) costs no statement at all."""
    if not certified_in:
        return []
    tasks = core_rows(_OPEN_REVIEWS, {"person": person_id, "courses": certified_in})
    versions = cached_versions([(t.to_version_id, None) for t in tasks])
    return [(t, versions[t.to_version_id]) for t in tasks if t.to_version_id in versions]
