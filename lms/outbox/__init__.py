"""The outbox: everything the LMS sends out is a row written in the transaction that
caused it, delivered later by a worker (``flask lms send-mail``).

Public surface:

``enqueue(kind, key, payload, *, person_id=None, not_before=None) -> bool``
    queue a job in the caller's transaction; the same ``(kind, key)`` twice is one job.
``handler(kind, *, batched=False, max_attempts=None, retry_seconds=None, keep_payload=False)``
    decorator registering how a kind is delivered (see ``lms.outbox.registry``).
``Job``, ``Permanent``
    what a handler receives; what it raises when retrying cannot help.
``run(limit=50, kinds=None, now=None)`` / ``run_batch(...)``
    deliver what is due (the worker command calls these).
``forget_person(person_id)``, ``retry_dead(kinds)``, ``queue_state()``
    erasure, dead-letter handling and monitoring.

E-mail is the first kind: ``lms.outbox.mail.queue_mail(to=..., template=..., key=...,
context=...)``. Every function needs an app context.
"""

from lms.outbox.models import OutboxJob, Status
from lms.outbox.queue import enqueue, forget_person, queue_state, retry_dead
from lms.outbox.registry import Job, Permanent, handler, handlers
from lms.outbox.worker import Outcome, run, run_batch

__all__ = [
    "Job",
    "OutboxJob",
    "Outcome",
    "Permanent",
    "Status",
    "enqueue",
    "forget_person",
    "handler",
    "handlers",
    "queue_state",
    "retry_dead",
    "run",
    "run_batch",
]
