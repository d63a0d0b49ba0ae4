"""Who delivers each kind of outbox job: a registry of handlers keyed by kind.

A handler is registered once per process, at import (a duplicate kind raises
``ValueError``), usually in the module that also queues that kind::

    from lms import outbox

    @outbox.handler("xapi", max_attempts=20)
    def send_statement(job: outbox.Job) -> None:
        post_to_lrs(job.payload)          # raise to retry later; outbox.Permanent to give up

With ``batched=True`` the decorated function is a context-manager factory: the worker
enters it once per batch of jobs of that kind (one SMTP connection, one HTTP session)
and calls what it yields for each job::

    @outbox.handler("mail", batched=True)
    @contextmanager
    def mail_connection():
        with mail.connect() as send:
            yield lambda job: send(message_of(job))

The worker imports ``HANDLER_MODULES`` before it looks at the registry, so the LMS's
own kinds are always known; a host registers its kinds in a module its app imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Modules whose import registers the LMS's own job kinds.
HANDLER_MODULES: tuple[str, ...] = (
    "lms.outbox.mail",
    "lms.xapi.delivery",
    "lms.reports.export_jobs",
)


@dataclass(frozen=True)
class Job:
    """What a handler is given: a copy of the row, never the row itself."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int  # counting this one
    created_at: datetime


Deliver = Callable[[Job], None]


class Permanent(Exception):  # noqa: N818 - reads as ``raise outbox.Permanent(...)``
    """Raised by a handler when retrying cannot help (a malformed payload, an address the
    server refuses for good): the job goes straight to ``dead``."""


@dataclass(frozen=True)
class Handler:
    """How jobs of one kind are delivered and retried (``None``: the app's setting)."""

    kind: str
    deliver: Deliver | None = None
    batch: Callable[[], AbstractContextManager[Deliver]] | None = None
    max_attempts: int | None = None
    retry_seconds: float | None = None
    keep_payload: bool = False


HANDLERS: dict[str, Handler] = {}


def handler(
    kind: str,
    *,
    batched: bool = False,
    max_attempts: int | None = None,
    retry_seconds: float | None = None,
    keep_payload: bool = False,
):
    """Decorator registering how jobs of ``kind`` are delivered.

    ``max_attempts`` and ``retry_seconds`` (the first retry's delay, doubled each time)
    override ``LMS_OUTBOX_MAX_ATTEMPTS`` / ``LMS_OUTBOX_RETRY_SECONDS`` for this kind.
    A delivered job's payload is replaced by ``{}`` (it may hold a sign-in link or
    personal data) unless ``keep_payload`` is true.
    """
    if not kind or len(kind) > 40:
        raise ValueError(f"an outbox kind is 1 to 40 characters, not {kind!r}")

    def decorate(func):
        if kind in HANDLERS:
            raise ValueError(f"outbox kind {kind!r} is already registered")
        HANDLERS[kind] = Handler(
            kind=kind,
            deliver=None if batched else func,
            batch=func if batched else None,
            max_attempts=max_attempts,
            retry_seconds=retry_seconds,
            keep_payload=keep_payload,
        )
        return func

    return decorate


def handlers() -> dict[str, Handler]:
    """Every registered handler by kind (the LMS's own modules imported first)."""
    for name in HANDLER_MODULES:
        importlib.import_module(name)
    return HANDLERS


def get_handler(kind: str) -> Handler:
    """The handler of ``kind``; ``ValueError`` naming the known kinds if there is none."""
    known = handlers()
    if kind not in known:
        raise ValueError(f"unknown outbox kind {kind!r}; registered: {', '.join(sorted(known))}")
    return known[kind]
