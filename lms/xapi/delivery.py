"""Delivering queued statements to the LRS (the outbox's ``xapi`` kind).

One HTTP ``POST {LMS_XAPI_ENDPOINT}/statements`` per statement, with
``X-Experience-API-Version: 1.0.3`` and HTTP basic authentication
(``LMS_XAPI_USERNAME`` / ``LMS_XAPI_PASSWORD``). The statement id is fixed by the event,
so a statement the LRS already has (409 and the stored statement is this one: the
resend after a crash) counts as delivered; a 409 for a different statement is dead. Any other 4xx means the LRS refuses it for good (``Permanent``: the job is
dead and listed by ``send-mail``); a 5xx, a timeout or a refused connection is retried
with the outbox's backoff — the LRS being down loses nothing.

The standard library's HTTP client is enough for one authenticated JSON POST; no
dependency is added for it.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

from flask import current_app

from lms import outbox

TIMEOUT_SECONDS = 20
XAPI_VERSION = "1.0.3"


def _request(
    statement: dict | None = None, *, statement_id: str | None = None
) -> urllib.request.Request:
    config = current_app.config
    url = config["LMS_XAPI_ENDPOINT"].rstrip("/") + "/statements"
    headers = {"X-Experience-API-Version": XAPI_VERSION}
    if config.get("LMS_XAPI_USERNAME"):
        pair = f"{config['LMS_XAPI_USERNAME']}:{config.get('LMS_XAPI_PASSWORD') or ''}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    if statement_id is not None:
        return urllib.request.Request(
            f"{url}?{urlencode({'statementId': statement_id})}", headers=headers
        )
    headers["Content-Type"] = "application/json"
    return urllib.request.Request(
        url, data=json.dumps(statement).encode(), headers=headers, method="POST"
    )


def _same_as_stored(statement: dict) -> bool:
    """After a 409: whether the LRS's statement with this id is this one (a resend)."""
    with urllib.request.urlopen(
        _request(statement_id=statement["id"]), timeout=TIMEOUT_SECONDS
    ) as r:
        stored = json.loads(r.read())
    return all(stored.get(k) == statement.get(k) for k in ("verb", "object")) and (
        stored.get("actor", {}).get("account") == statement["actor"].get("account")
        and stored.get("actor", {}).get("mbox") == statement["actor"].get("mbox")
    )


@outbox.handler("xapi", max_attempts=25)
def send_statement(job: outbox.Job) -> None:
    """POST one statement; 2xx and 409 (already stored) are delivered."""
    statement = job.payload.get("statement")
    if not isinstance(statement, dict) or "id" not in statement:
        raise outbox.Permanent("not an xAPI statement payload")
    if not current_app.config.get("LMS_XAPI_ENDPOINT"):
        raise RuntimeError("LMS_XAPI_ENDPOINT is not set: kept for when it is")
    try:
        with urllib.request.urlopen(_request(statement), timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode(errors="replace")
        if exc.code == 409:
            if _same_as_stored(statement):
                return  # the LRS already has it: the resend of a delivered statement
            raise outbox.Permanent(
                f"the LRS holds a different statement {statement['id']}"
            ) from None
        if 400 <= exc.code < 500 and exc.code not in (401, 403, 408, 429):
            raise outbox.Permanent(f"the LRS refused the statement: {exc.code} {body}") from None
        raise RuntimeError(f"the LRS answered {exc.code}: {body}") from None
