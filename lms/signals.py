"""Documented extension points (blinker signals).

Connect a receiver to react to LMS events without patching it, e.g. to push completions
to an HR system::

    from lms import signals

    @signals.certificate_issued.connect
    def on_certificate(app, period, **extra):
        ...

Every signal is sent with the Flask app as sender, after the change was committed.
"""

from blinker import Namespace

_signals = Namespace()

#: A person record was created (``person=``), by sign-up, import, invite or host sign-in.
person_created = _signals.signal("lms.person-created")
#: ``sync-courses`` stored a new course version (``version=``).
course_version_created = _signals.signal("lms.course-version-created")
#: A learner completed a module (``person=``, ``module=``).
module_completed = _signals.signal("lms.module-completed")
#: A final or refresher assessment attempt was graded (``attempt=``).
attempt_submitted = _signals.signal("lms.attempt-submitted")
#: A scenario run reached an end (``run=``).
scenario_finished = _signals.signal("lms.scenario-finished")
#: A certification period was created (``period=``), first certification or renewal.
certificate_issued = _signals.signal("lms.certificate-issued")
#: An admin revoked a certification period (``period=``, ``reason=``).
certificate_revoked = _signals.signal("lms.certificate-revoked")
#: A learner signed the policy acknowledgement (``person_id=``, ``version=``).
policy_acknowledged = _signals.signal("lms.policy-acknowledged")
