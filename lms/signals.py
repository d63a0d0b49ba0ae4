"""Documented extension points (blinker signals).

Connect a receiver to react to LMS events without patching it, e.g. to push completions
to an HR system::

    from lms import signals

    @signals.certificate_issued.connect
    def on_certificate(app, period, **extra):
        ...

Every signal is sent with the Flask app as sender and the keyword arguments listed
below; accept ``**extra`` so new ones can be added. All but ``requirement_passed`` and
``activity_recorded`` are sent *after* the change was committed (a receiver sees committed rows, and what it writes
needs its own commit). The LMS connects its own receivers too (``lms.certification.
receivers``, at ``init_app``): that is how the areas below certification tell it about
passes and new course versions without importing it.
"""

from __future__ import annotations

from collections.abc import Callable

from blinker import Namespace
from flask import current_app

_signals = Namespace()

#: A person record was created, by sign-up, CSV import, the API, a candidate invite or a
#: host sign-in: ``person=`` (the ``Person``). After commit.
person_created = _signals.signal("lms.person-created")
#: ``sync-courses`` stored a new course version: ``version=`` (the ``CourseVersion``).
#: After commit. A receiver may return the number of people it asked to review the
#: change (the LMS's own one does); ``sync-courses`` reports the sum of such numbers.
course_version_created = _signals.signal("lms.course-version-created")
#: A learner passed a module's check, completing the module: ``person_id=``, ``module=``
#: (the ``Module``). After commit, before ``attempt_submitted``.
module_completed = _signals.signal("lms.module-completed")
#: An attempt (a module check, or a final or refresher assessment) was graded, passed
#: or not: ``attempt=`` (the ``Attempt``). After commit.
attempt_submitted = _signals.signal("lms.attempt-submitted")
#: A scenario run reached an end, passed or not: ``run=`` (the ``ScenarioRun``). After
#: commit.
scenario_finished = _signals.signal("lms.scenario-finished")
#: A certification period was created, first certification or renewal: ``period=``
#: (the ``CertificationPeriod``). After commit.
certificate_issued = _signals.signal("lms.certificate-issued")
#: An admin revoked a certification period: ``period=``, ``reason=`` (the admin's text).
#: After commit.
certificate_revoked = _signals.signal("lms.certificate-revoked")
#: A learner signed the policy acknowledgement: ``person_id=``, ``version=`` (the
#: ``CourseVersion`` signed). After commit.
policy_acknowledged = _signals.signal("lms.policy-acknowledged")
#: A learner passed a requirement of a course: a module check, a final or refresher
#: assessment, or a scenario run: ``person_id=``, ``course_id=``. Sent *before* the
#: commit, inside the transaction that records the pass: a receiver may add rows to it
#: (they are committed with the pass, or rolled back with it), must not commit, and may
#: return a function for the sender to call once the transaction is committed. The LMS
#: issues the certificate a pass completes this way.
requirement_passed = _signals.signal("lms.requirement-passed")
#: A learner record was created: a module's read mark, an attempt or a scenario run:
#: ``person_id=``, ``course_id=``. Sent *before* the commit, inside the transaction that
#: creates it (a receiver may add rows to it and must not commit). The LMS keeps the
#: reports' "in progress" fact this way (``lms.certification.status_facts``).
activity_recorded = _signals.signal("lms.activity-recorded")


def record_activity(person_id: int, course_id: int) -> None:
    """Send :data:`activity_recorded` (in the caller's open transaction)."""
    activity_recorded.send(
        current_app._get_current_object(), person_id=person_id, course_id=course_id
    )


def pass_requirement(person_id: int, course_id: int) -> list[Callable[[], object]]:
    """Send :data:`requirement_passed` (in the caller's open transaction); returns the
    receivers' functions to call after the caller commits."""
    answers = requirement_passed.send(
        current_app._get_current_object(), person_id=person_id, course_id=course_id
    )
    return [then for _receiver, then in answers if callable(then)]
