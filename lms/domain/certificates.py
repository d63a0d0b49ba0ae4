"""What one certificate says on a day, among the person's certificates for its course.

``lms.domain.certification.status_on`` answers "where does the learner stand"; this
answers "what does this certificate (a period) say": the verification page, the
learner's certificates and the person page show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from lms.domain.certification import (
    CERTIFIED,
    STATUS_COLOURS,
    STATUS_LABELS,
    PeriodFacts,
    is_revoked,
    status_on,
)
from lms.domain.text import translatable

VALID = "valid"
#: A later certificate for the same course exists: this one was replaced by a renewal.
RENEWED = "renewed"

#: The colour of every status a badge shows: a learner's (``Status``) or a certificate's.
BADGE_COLOURS: Mapping[str, str] = {**STATUS_COLOURS, VALID: "green", RENEWED: "grey"}
#: Their words (English; pages translate them).
BADGE_LABELS: Mapping[str, str] = {
    **STATUS_LABELS,
    VALID: translatable("Valid"),
    RENEWED: translatable("Renewed"),
}


def certificate_status(today: date, period: PeriodFacts, later: Sequence[PeriodFacts] = ()) -> str:
    """valid | renewal_due | expired | revoked | renewed.

    ``later``: the person's certificates for the course that came after this one. Once one
    of them exists on ``today`` this certificate is ``renewed`` (never "Renewal due" again),
    unless it was itself revoked: a revocation is never hidden by a renewal.
    """
    if is_revoked(today, period):
        return status_on(today, [period], None)
    if any(p.certified_on <= today for p in later):
        return RENEWED
    status = status_on(today, [period], None)
    return VALID if status == CERTIFIED else status


#: Digits people type for the letters they look like (codes use A-Z and 2-7 only).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def normal_code(typed: str) -> str:
    """A certificate code as printed ("Q2PU-A6WN-KLPM-BED5") from what someone typed:
    any case, spaces or dashes anywhere, 0/1/8 for O/I/B. Anything that is not 16 such
    characters comes back as typed (upper-cased), for the page to say it is not found."""
    compact = "".join(c for c in typed.upper() if c.isalnum()).translate(_LOOKALIKES)
    if len(compact) != 16:
        return typed.strip().upper()
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))
