"""E-mail through the outbox: render a message for its recipient from templates, queue
it in the caller's transaction, and the ``mail`` handler the worker delivers it with.

    from lms.outbox.mail import queue_mail

    queue_mail(to=person, template="password_reset", key=f"password-reset:{token_id}",
               context={"url": link, "valid_hours": 2})
    session.commit()   # the cause and its e-mail together

A message is three templates under ``lms/templates/lms/email/``: ``NAME.subject.txt``,
``NAME.txt`` (plain text) and ``NAME.html`` (optional); a host overrides any of them in
its own ``templates/lms/email/``. Every template gets ``recipient`` (a ``Recipient``)
and ``site_name`` besides the caller's context, and the text and HTML ones ``subject``. The message is rendered when it is
queued, so what the worker sends (and re-sends after a crash) is exactly what was
decided in the transaction.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound

from lms import mail as delivery
from lms.i18n import force_locale
from lms.outbox.queue import enqueue
from lms.outbox.registry import Job, Permanent, handler
from lms.web.templating import get_template

KIND = "mail"
TEMPLATES = "lms/email"


@dataclass(frozen=True)
class Recipient:
    """Who a message is for, as its templates see them."""

    email: str
    name: str | None = None
    person_id: int | None = None
    locale: str | None = None  # the language the message is written in (the person's)


def recipient_of(to: Any) -> Recipient:
    """A ``Recipient`` from an address string, a ``Recipient``, or a person (anything
    with ``email``, and optionally ``name`` and ``id``)."""
    if isinstance(to, Recipient):
        return to
    if isinstance(to, str):
        return Recipient(email=to)
    email = getattr(to, "email", None)
    if not isinstance(email, str) or not email.strip():
        raise ValueError(f"a mail recipient needs an e-mail address, not {to!r}")
    return Recipient(
        email=email,
        name=getattr(to, "name", None),
        person_id=getattr(to, "id", None),
        locale=getattr(to, "locale", None),
    )


@dataclass(frozen=True)
class RenderedMail:
    """A message ready to queue: what the worker will send."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    sender: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "to": list(self.to),
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "sender": self.sender,
        }


def _tidy(text: str) -> str:
    # Templates stay readable with blank lines around their tags; the mail gets at most
    # one empty line in a row and ends with a single newline.
    return re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text.strip("\n")).rstrip() + "\n"


def render_mail(
    template: str,
    recipient: Recipient,
    context: Mapping[str, Any] | None = None,
    *,
    sender: str | None = None,
) -> RenderedMail:
    """Render ``template``'s subject, text and HTML for ``recipient``.

    This is the one place messages are rendered: all three parts are rendered in the
    recipient's language (``Recipient.locale``, the person's choice; else the current one).
    The templates are rendered in the LMS's Jinja environment (``lms.web.templating``:
    the app's loader, so a host can override them, plus the LMS's ``_``) but without
    request context processors, so the same call works in a request, the CLI or a worker.
    """
    with force_locale(recipient.locale):
        return _render_mail(template, recipient, context, sender=sender)


def _render_mail(
    template: str, recipient: Recipient, context: Mapping[str, Any] | None, *, sender: str | None
) -> RenderedMail:
    values = {
        "site_name": current_app.config["LMS_SITE_NAME"],
        **(context or {}),
        "recipient": recipient,
    }
    subject = " ".join(get_template(f"{TEMPLATES}/{template}.subject.txt").render(values).split())
    values["subject"] = subject  # the HTML layout's <title>
    text = get_template(f"{TEMPLATES}/{template}.txt").render(values)
    try:
        html = get_template(f"{TEMPLATES}/{template}.html").render(values)
    except TemplateNotFound:
        html = None
    return RenderedMail(
        to=(recipient.email,),
        subject=subject,
        text=_tidy(text),
        html=html.strip() + "\n" if html else None,
        sender=sender,
    )


def queue_rendered(
    message: RenderedMail,
    *,
    key: str,
    person_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue an already rendered message (``enqueue`` rules: the caller commits; the same
    key twice is one message). True when it was queued, False when the key was there."""
    return enqueue(KIND, key, message.payload(), person_id=person_id, not_before=not_before)


def queue_mail(
    *,
    to: Any,
    template: str,
    key: str,
    context: Mapping[str, Any] | None = None,
    sender: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Render ``template`` for ``to`` (a person, a ``Recipient`` or an address) and queue
    it under ``key`` in the caller's transaction. ``key`` names the event the mail is
    about (``"candidate-invite:12:345"``) and gives the message a stable Message-ID."""
    recipient = recipient_of(to)
    message = render_mail(template, recipient, context, sender=sender)
    return queue_rendered(message, key=key, person_id=recipient.person_id, not_before=not_before)


def message_of(job: Job) -> delivery.Message:
    """The ``lms.mail.Message`` a queued job describes (keyed by the job, dated when queued)."""
    p = job.payload
    try:
        return delivery.Message(
            to=tuple(p["to"]),
            subject=p["subject"],
            text=p["text"],
            html=p.get("html"),
            sender=p.get("sender"),
            key=job.key,
            date=job.created_at,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise Permanent(f"not a mail payload: {exc!r}") from None


@handler(KIND, batched=True)
@contextmanager
def deliver_mail() -> Iterator[Any]:
    """One backend connection per batch; a refusal that cannot change is ``Permanent``."""
    with delivery.connect() as deliver:

        def send(job: Job) -> None:
            message = message_of(job)
            try:
                deliver(message)
            except smtplib.SMTPRecipientsRefused as exc:
                if all(code >= 500 for code, _ in exc.recipients.values()):
                    raise Permanent(f"every recipient refused: {exc.recipients}") from exc
                raise
            except ValueError as exc:  # a header the message can never carry
                raise Permanent(str(exc)) from exc

        yield send
