"""One rule for e-mail addresses everywhere (sign-up, import, API, host provisioning).

email-validator checks the syntax. It refuses special-use domains (RFC 6761) such as
``.local`` and ``.test``, but company intranets use exactly those for their users, so
addresses on the intranet suffixes below are accepted when they are otherwise valid.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

#: Special-use suffixes that intranets give their users' addresses.
INTRANET_SUFFIXES = ("local", "internal", "test", "lan", "home.arpa", "corp", "intranet")


def normalise_email(email: str) -> str:
    """The form e-mails are stored and compared in: trimmed and lower-cased."""
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The normalised address, or ValueError saying what is wrong with it."""
    address = normalise_email(email)
    local, _, domain = address.rpartition("@")
    suffix = next((s for s in INTRANET_SUFFIXES if domain.endswith("." + s)), None)
    probe = address
    if suffix is not None:
        # Check the syntax with the special-use suffix swapped for an ordinary one.
        probe = f"{local}@{domain[: -len(suffix)]}example"
    try:
        validate_email(probe, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"invalid e-mail address {email!r}: {exc}") from None
    return address
