"""Revoking a certificate: the write (once), the audit event and the learner's notice.

A revoked period stays in the history with its date, reason and who revoked it. From
then on it is "Revoked" everywhere (verification page, My certificates, the course card,
reports) and its PDF is no longer served (see ``lms.certification.views.pdf``).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import update

from lms import signals
from lms.accounts.models import Person
from lms.audit.services import record
from lms.certification import status_facts
from lms.certification.models import CertificationPeriod
from lms.clock import today as clock_today
from lms.courses.localized import title_in_every_language
from lms.db import session
from lms.i18n import gettext as _
from lms.outbox.mail import queue_mail
from lms.web.urls import absolute_url
from lms.xapi import events as xapi

#: The longest reason accepted (it is shown to the learner and kept in the audit log).
REASON_MAX = 500


def reason_problem(reason: str | None) -> str | None:
    """Why a revocation reason cannot be used, or None."""
    text = (reason or "").strip()
    if not text:
        return _("Give the reason: the learner sees it and the audit log keeps it.")
    if len(text) > REASON_MAX:
        return _("Keep the reason to %(n)s characters or fewer.", n=REASON_MAX)
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text) or "\x7f" in text:
        return _("The reason contains control characters.")
    return None


def revoke(
    period: CertificationPeriod, *, reason: str, by: Person, today: date | None = None
) -> bool:
    """Revoke a period; True when this call revoked it, False when it already was.

    The conditional UPDATE (``WHERE revoked_on IS NULL``) makes two simultaneous
    revocations record one audit event and send one notice. Raises ``ValueError`` for a
    reason ``reason_problem`` refuses.
    """
    problem = reason_problem(reason)
    if problem:
        raise ValueError(problem)
    reason = reason.strip()
    day = today or clock_today()
    won = session.execute(
        update(CertificationPeriod)
        .where(CertificationPeriod.id == period.id, CertificationPeriod.revoked_on.is_(None))
        .values(revoked_on=day, revoked_reason=reason, revoked_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won:
        status_facts.refresh(period.course_id, [period.person_id])
        record(
            "revoke_certificate",
            actor=by,
            target_type="certification_period",
            target_id=period.id,
            person_id=period.person_id,
            code=period.code,
            course=(period.details or {}).get("course_title"),
            revoked_on=day.isoformat(),
            reason=reason,
        )
        notify_revoked(period, day=day, reason=reason)
        xapi.certificate_revoked(period, reason)
    session.commit()
    session.refresh(period)
    if won:
        signals.certificate_revoked.send(
            current_app._get_current_object(), period=period, reason=reason
        )
    return bool(won)


def notify_revoked(period: CertificationPeriod, *, day: date, reason: str) -> None:
    """Queue the learner's notice in the outbox, in the revocation's own transaction
    (key ``revoked:<period id>``: never twice). Nobody to tell for an erased person."""
    person = session.get(Person, period.person_id)
    if person is None or person.status == "erased" or not person.email:
        return
    queue_mail(
        to=person,
        template="certificate_revoked",
        key=f"revoked:{period.id}",
        context={
            "course_title": title_in_every_language(
                period.version_id, (period.details or {}).get("course_title", "")
            ),
            "code": period.code,
            "certified_on": period.certified_on.isoformat(),
            "revoked_on": day.isoformat(),
            "reason": reason,
            "certificates_url": absolute_url("lms.certification.mine"),
            "verify_url": absolute_url("lms.certification.verify", code=period.code),
        },
    )
