"""Delivering e-mail: a ``Message`` value and four backends chosen by ``LMS_MAIL_BACKEND``.

This is the delivery layer. The product does not call it directly: every e-mail is
queued in the outbox (``lms.outbox.mail.queue_mail``) in the transaction that caused it,
and the outbox worker (``flask lms send-mail``) hands it to ``connect()`` here.

    from lms import mail
    mail.send(mail.Message(to=("dana@example.com",), subject="...", text="..."))
    with mail.connect() as deliver:          # one SMTP connection for several messages
        deliver(first); deliver(second)

A message with a ``key`` (the outbox job's) has a stable identity: its Message-ID is
derived from the key, and its ``date`` is when it was queued, so delivering it again
after a crash produces the same message.

Backends (``register_backend`` adds more; a duplicate name raises ``ValueError``):

``console``
    prints each message (headers and text body) to stdout; the development default.
``file``
    writes each message as an RFC 5322 ``.eml`` file into ``LMS_MAIL_FILE_DIR``
    (created when missing; a relative path is relative to the working directory),
    atomically (a temporary file renamed into place). A keyed message's file name comes
    from its date and key, so writing it again replaces it instead of making a second
    file; names sort by date and never collide.
``smtp``
    one connection to ``LMS_SMTP_HOST:LMS_SMTP_PORT`` per ``connect()`` (or ``send``),
    STARTTLS when ``LMS_SMTP_STARTTLS`` is true, login when ``LMS_SMTP_USERNAME`` is set.
``memory``
    keeps the messages in ``current_app.extensions["lms"].extra["outbox"]`` (see
    ``outbox()``); the tests use it.

Every function here needs an app context.
"""

from __future__ import annotations

import hashlib
import logging
import os
import smtplib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

import click
from flask import current_app

from lms.domain.registry import Registry

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Message:
    """One e-mail. ``to`` holds addresses (``"Dana <dana@example.com>"`` is fine); a
    single string is accepted and turned into a one-item tuple. ``sender`` defaults to
    ``LMS_MAIL_FROM`` when sent. With ``html`` the mail is multipart/alternative (text
    first, HTML second). ``key`` (stable Message-ID, file name) and ``date`` (the Date
    header, default: when it is sent) make a re-delivered message the same message."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    sender: str | None = None
    key: str | None = None
    date: datetime | None = None

    def __post_init__(self) -> None:
        to = (self.to,) if isinstance(self.to, str) else tuple(self.to)
        if not to or not all(isinstance(a, str) and a.strip() for a in to):
            raise ValueError("a Message needs at least one non-empty recipient address")
        object.__setattr__(self, "to", to)


# ------------------------------------------------------------------------------ registry

Deliver = Callable[[Message], None]
Backend = Callable[[], AbstractContextManager[Deliver]]
"""A backend is a context-manager factory: entering it opens whatever a batch of
messages shares (an SMTP connection) and yields a function that sends one message
(whose ``sender`` is already filled in) or raises."""

BACKENDS: Registry[Backend] = Registry("mail backend")


def register_backend(name: str) -> Callable[[Backend], Backend]:
    """Decorator adding a backend under ``name`` (a duplicate name raises ValueError)."""
    return BACKENDS.decorator(name)


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


@contextmanager
def connect() -> Iterator[Deliver]:
    """Open the configured backend once and yield ``deliver(message)`` for each message
    to send through it (the outbox worker sends a batch this way). Messages without a
    ``sender`` get ``LMS_MAIL_FROM``. An unknown backend raises ValueError; a backend
    error (connection refused, disk full) propagates from ``connect`` or ``deliver``."""
    backend = get_backend()
    default_sender = current_app.config["LMS_MAIL_FROM"]
    with backend() as send_one:

        def deliver(message: Message) -> None:
            if not isinstance(message, Message):
                raise TypeError(f"mail takes Message objects, not {type(message).__name__}")
            send_one(message if message.sender else replace(message, sender=default_sender))

        yield deliver


def send(messages: Message | Iterable[Message]) -> int:
    """Send one message or several through the configured backend; return how many.

    An unknown backend or something that is not a ``Message`` raises before anything is
    sent; a backend error propagates, and messages before the failing one may already be
    gone. Product code queues mail in the outbox instead (``lms.outbox.mail``).
    """
    get_backend()
    batch = [messages] if isinstance(messages, Message) else list(messages)
    for item in batch:
        if not isinstance(item, Message):
            raise TypeError(f"mail.send() takes Message objects, not {type(item).__name__}")
    if not batch:
        return 0
    with connect() as deliver:
        for message in batch:
            deliver(message)
    log.info("sent %d e-mail(s) via %s backend", len(batch), current_app.config["LMS_MAIL_BACKEND"])
    return len(batch)


def key_digest(key: str) -> str:
    """A short, stable, file- and header-safe digest of a message key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def as_email(message: Message) -> EmailMessage:
    """The RFC 5322 form of ``message`` (From, To, Subject, Date, Message-ID, body).

    A keyed message gets the same Message-ID (and MIME boundary) every time, so it is
    the same bytes whenever it is sent. Header values containing line breaks raise
    ValueError (no header injection).
    """
    sender = message.sender or current_app.config["LMS_MAIL_FROM"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(message.to)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(_aware(message.date or datetime.now(UTC)))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "lms.invalid"
    if message.key:
        email["Message-ID"] = f"<lms.{key_digest(message.key)}@{domain}>"
    else:
        email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
        if message.key:  # otherwise random: the same message must be the same bytes
            email.set_boundary(f"==lms-{key_digest(message.key)}==")
    return email


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def outbox() -> list[Message]:
    """The messages the ``memory`` backend has delivered in this app (a live list: tests
    may ``clear()`` it). Not the outbox table: that is ``lms.outbox``."""
    extra = current_app.extensions["lms"].extra
    return extra.setdefault("outbox", [])


# ---------------------------------------------------------------------------- backends


@register_backend("console")
@contextmanager
def _console() -> Iterator[Deliver]:
    def deliver(message: Message) -> None:
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

    yield deliver


def file_name(message: Message) -> str:
    """``<UTC date to the microsecond>-<key digest or random>.eml``: names sort by date;
    a keyed message always gets the same name, an unkeyed one a name never used before."""
    stamp = _aware(message.date or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    tail = key_digest(message.key) if message.key else uuid.uuid4().hex[:12]
    return f"{stamp}-{tail}.eml"


@register_backend("file")
@contextmanager
def _file() -> Iterator[Deliver]:
    folder = Path(current_app.config["LMS_MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)

    def deliver(message: Message) -> None:
        data = as_email(message).as_bytes()
        final = folder / file_name(message)
        # Written beside the final name and renamed over it: a reader never sees half a
        # file, and a keyed message written twice (re-delivery after a crash) is still
        # one file. The temporary name is per message, so a leftover from a killed
        # process is overwritten by the retry, and it does not end in ".eml".
        temp = folder / f".{final.name}.tmp"
        with temp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, final)
        _fsync_dir(folder)

    yield deliver


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@register_backend("smtp")
@contextmanager
def _smtp() -> Iterator[Deliver]:
    config = current_app.config
    with smtplib.SMTP(
        config["LMS_SMTP_HOST"], int(config["LMS_SMTP_PORT"]), timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config.get("LMS_SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("LMS_SMTP_USERNAME"):
            smtp.login(config["LMS_SMTP_USERNAME"], config.get("LMS_SMTP_PASSWORD") or "")
        yield lambda message: smtp.send_message(as_email(message))


@register_backend("memory")
@contextmanager
def _memory() -> Iterator[Deliver]:
    yield outbox().append
