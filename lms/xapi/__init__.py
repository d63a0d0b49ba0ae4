"""Learning records to any xAPI 1.0.3 Learning Record Store.

With ``LMS_XAPI_ENDPOINT`` set, every meaningful learning event queues an xAPI statement
in the outbox, in the same transaction as the event (``lms.xapi.events``); the outbox
worker (``flask lms send-mail``) delivers them (``lms.xapi.delivery``), so an LRS that is
down loses nothing and never blocks a learner. Statement ids are derived from the event,
so a resend is harmless. Without the setting nothing is queued.

The statements (``lms.xapi.statements``) use ADL's verbs and activity types where ADL
has one; the README lists the mapping.
"""

from lms.xapi.events import enabled

__all__ = ["enabled"]
