"""Test helpers: deliver what the outbox holds, and read the outbox table."""

from __future__ import annotations

from sqlalchemy import select

from lms import mail, outbox
from lms.db import session
from lms.outbox.models import OutboxJob


def deliver_mail(app) -> list[mail.Message]:
    """Run the outbox worker once (as `flask lms send-mail` does) and return every message
    the memory backend has received in this app so far."""
    with app.app_context():
        outbox.run()
        return list(mail.outbox())


def jobs(app, **where) -> list[OutboxJob]:
    """The outbox rows (detached), oldest first, filtered by column values."""
    with app.app_context():
        stmt = select(OutboxJob).order_by(OutboxJob.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(OutboxJob, name) == value)
        rows = list(session.scalars(stmt))
        session.expunge_all()
        return rows
