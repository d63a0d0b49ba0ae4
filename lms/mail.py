"""Outgoing e-mail: a ``Message`` value and four backends chosen by ``LMS_MAIL_BACKEND``.

    from lms import mail
    mail.send(mail.Message(to=("dana@example.com",), subject="...", text="..."))

Backends (``register_backend`` adds more; a duplicate name raises ``ValueError``):

``console``
    prints each message (headers and text body) to stdout; the development default.
``file``
    writes each message as an RFC 5322 ``.eml`` file into ``LMS_MAIL_FILE_DIR``
    (created when missing; a relative path is relative to the working directory). File
    names sort by the time they were written and never collide.
``smtp``
    one connection to ``LMS_SMTP_HOST:LMS_SMTP_PORT`` per ``send`` call, STARTTLS when
    ``LMS_SMTP_STARTTLS`` is true, login when ``LMS_SMTP_USERNAME`` is set.
``memory``
    keeps the messages in ``current_app.extensions["lms"].extra["outbox"]`` (see
    ``outbox()``); the tests use it.

Every function here needs an app context.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

import click
from flask import current_app

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Message:
    """One e-mail. ``to`` holds addresses (``"Dana <dana@example.com>"`` is fine); a
    single string is accepted and turned into a one-item tuple. ``sender`` defaults to
    ``LMS_MAIL_FROM`` when sent. With ``html`` the mail is multipart/alternative (text
    first, HTML second)."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    sender: str | None = None

    def __post_init__(self) -> None:
        to = (self.to,) if isinstance(self.to, str) else tuple(self.to)
        if not to or not all(isinstance(a, str) and a.strip() for a in to):
            raise ValueError("a Message needs at least one non-empty recipient address")
        object.__setattr__(self, "to", to)


# ------------------------------------------------------------------------------ registry

Backend = Callable[[Sequence[Message]], None]
"""A backend receives messages whose ``sender`` is already filled in, and sends them all
(or raises)."""

BACKENDS: dict[str, Backend] = {}


def register_backend(name: str) -> Callable[[Backend], Backend]:
    """Decorator adding a backend under ``name`` (a duplicate name raises ValueError)."""

    def decorate(func: Backend) -> Backend:
        if name in BACKENDS:
            raise ValueError(f"mail backend {name!r} is already registered")
        BACKENDS[name] = func
        return func

    return decorate


def get_backend(name: str | None = None) -> Backend:
    """The backend called ``name`` (default: ``LMS_MAIL_BACKEND``); ValueError if unknown."""
    if name is None:
        name = current_app.config.get("LMS_MAIL_BACKEND")
    try:
        return BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(
            f"unknown mail backend LMS_MAIL_BACKEND={name!r}; expected one of: {known}"
        ) from None


# ---------------------------------------------------------------------------- sending


def send(messages: Message | Iterable[Message]) -> int:
    """Send one message or several through the configured backend; return how many.

    Messages without a ``sender`` get ``LMS_MAIL_FROM``. An unknown backend raises
    ValueError before anything is sent; a backend error (SMTP refused, disk full)
    propagates, and messages before the failing one may already be gone.
    """
    backend = get_backend()
    batch = [messages] if isinstance(messages, Message) else list(messages)
    for item in batch:
        if not isinstance(item, Message):
            raise TypeError(f"mail.send() takes Message objects, not {type(item).__name__}")
    if not batch:
        return 0
    default_sender = current_app.config["LMS_MAIL_FROM"]
    batch = [m if m.sender else replace(m, sender=default_sender) for m in batch]
    backend(batch)
    log.info(
        "sent %d e-mail(s) via %s backend", len(batch), current_app.config["LMS_MAIL_BACKEND"]
    )
    return len(batch)


def as_email(message: Message) -> EmailMessage:
    """The RFC 5322 form of ``message`` (From, To, Subject, Date, Message-ID, body).

    Header values containing line breaks raise ValueError (no header injection).
    """
    sender = message.sender or current_app.config["LMS_MAIL_FROM"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(message.to)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "lms.invalid"
    email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    return email


def outbox() -> list[Message]:
    """The messages the ``memory`` backend has collected in this app (a live list: tests
    may ``clear()`` it)."""
    extra = current_app.extensions["lms"].extra
    return extra.setdefault("outbox", [])


# ---------------------------------------------------------------------------- backends


@register_backend("console")
def _console(messages: Sequence[Message]) -> None:
    for message in messages:
        lines = [
            "-" * 72,
            f"From: {message.sender}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
        ]
        if message.html is not None:
            lines.append("(an HTML alternative is attached)")
        lines += ["", message.text, "-" * 72]
        click.echo("\n".join(lines))


@register_backend("file")
def _file(messages: Sequence[Message]) -> None:
    folder = Path(current_app.config["LMS_MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for message in messages:
        data = as_email(message).as_bytes()
        # UTC timestamp to the microsecond, then a random part: names sort by time and
        # two processes writing in the same microsecond still never collide ("x" mode
        # refuses to overwrite, in case they ever did).
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        with path.open("xb") as fh:
            fh.write(data)


@register_backend("smtp")
def _smtp(messages: Sequence[Message]) -> None:
    config = current_app.config
    with smtplib.SMTP(
        config["LMS_SMTP_HOST"], int(config["LMS_SMTP_PORT"]), timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config.get("LMS_SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("LMS_SMTP_USERNAME"):
            smtp.login(config["LMS_SMTP_USERNAME"], config.get("LMS_SMTP_PASSWORD") or "")
        for message in messages:
            smtp.send_message(as_email(message))


@register_backend("memory")
def _memory(messages: Sequence[Message]) -> None:
    outbox().extend(messages)
