"""Revoking a certificate: the write (once), the audit event and the learner's notice.

A revoked period stays in the history with its date, reason and who revoked it. From
then on it is "Revoked" everywhere (verification page, My certificates, the course card,
reports) and its PDF is no longer served (see ``lms.certification.views.pdf``).
"""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app, render_template
from sqlalchemy import update

from lms import mail, signals
from lms.accounts.models import Person
from lms.audit.services import record
from lms.certification.models import CertificationPeriod
from lms.clock import today as clock_today
from lms.db import session
from lms.web.urls import absolute_url

log = logging.getLogger(__name__)

#: The longest reason accepted (it is shown to the learner and kept in the audit log).
REASON_MAX = 500


def reason_problem(reason: str | None) -> str | None:
    """Why a revocation reason cannot be used, or None."""
    text = (reason or "").strip()
    if not text:
        return "Give the reason: the learner sees it and the audit log keeps it."
    if len(text) > REASON_MAX:
        return f"Keep the reason under {REASON_MAX} characters."
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text) or "\x7f" in text:
        return "The reason contains control characters."
    return None


def revoke(period: CertificationPeriod, *, reason: str, by: Person, today: date | None = None) -> bool:
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
        record("revoke_certificate", actor=by, target_type="certification_period", target_id=period.id,
               person_id=period.person_id, code=period.code,
               course=(period.details or {}).get("course_title"), revoked_on=day.isoformat(),
               reason=reason)
    session.commit()
    session.refresh(period)
    if won:
        notify_revoked(period)
        signals.certificate_revoked.send(current_app._get_current_object(), period=period, reason=reason)
    return bool(won)


def revocation_notice(period: CertificationPeriod) -> mail.Message | None:
    """The e-mail telling the learner their certificate was revoked (None: nobody to tell)."""
    person = session.get(Person, period.person_id)
    if person is None or person.status == "erased" or not person.email:
        return None
    values = {"person": person, "period": period,
              "course_title": (period.details or {}).get("course_title", ""),
              "certificates_url": absolute_url("lms.certification.mine"),
              "verify_url": absolute_url("lms.certification.verify", code=period.code),
              "site_name": current_app.config["LMS_SITE_NAME"]}
    subject = render_template("lms/email/certificate_revoked_subject.txt", **values).strip()
    text = render_template("lms/email/certificate_revoked.txt", **values)
    return mail.Message(to=(person.email,), subject=subject, text=text)


def notify_revoked(period: CertificationPeriod) -> None:
    """Tell the learner. The one place a revocation sends mail: with the outbox, this
    becomes an outbox row (stable key ``revoked:<period id>``) written before the commit.

    Until then it runs after the commit, so a mail failure never undoes the revocation;
    the failure is logged and the revocation stands (the learner sees it on their pages).
    """
    message = revocation_notice(period)
    if message is None:
        return
    try:
        mail.send(message)
    except Exception:  # any backend failure: the revocation itself is committed
        log.exception("could not send the revocation notice for certification period %s", period.id)
