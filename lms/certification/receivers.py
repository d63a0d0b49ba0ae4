"""Certification's answers to events of the areas below it (connected by the extension).

Quizzes, scenarios and courses sit below certification, so they do not call it: they
send the LMS's own signals (``lms.signals``) and these receivers act on them.

- ``requirement_passed`` is sent inside the transaction that records a passed module
  check, assessment or scenario run: :func:`on_requirement_passed` issues the period the
  pass completes in that same transaction (committed together, or neither is) and hands
  back the announcement to make after the commit.
- ``course_version_created`` is sent after a new version is committed:
  :func:`on_course_version_created` asks the certified people to review what changed.
- ``activity_recorded`` is sent inside the transaction that creates a learner record:
  ``status_facts.on_activity_recorded`` notes that the course was started.
"""

from __future__ import annotations

from functools import partial

from lms import signals
from lms.certification import services, status_facts


def on_requirement_passed(app, *, person_id: int, course_id: int, **extra):
    """Issue the next period if this pass completed the cycle (in the sender's
    transaction, not committed); returns the announcement to make after the commit."""
    period = services.certify_if_complete(person_id, course_id)
    return partial(services.announce_issued, period) if period is not None else None


def on_course_version_created(app, *, version, **extra) -> int:
    """Review tasks for the people certified on an older version whose policy changed
    (committed here); returns how many were created, for ``sync-courses`` to report."""
    return services.create_review_tasks(version)


def connect() -> None:
    """Connect the receivers (blinker keeps one connection however often this runs)."""
    signals.requirement_passed.connect(on_requirement_passed)
    signals.course_version_created.connect(on_course_version_created)
    signals.activity_recorded.connect(status_facts.on_activity_recorded)
