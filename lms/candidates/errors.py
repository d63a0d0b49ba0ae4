"""What the candidate services raise when the rules or an invitation link refuse."""

from __future__ import annotations

INVITE_ERRORS = ("invalid", "expired", "used")


class InviteError(Exception):
    """An invitation link that cannot be used; ``reason`` is invalid, expired or used."""

    def __init__(self, reason: str):
        if reason not in INVITE_ERRORS:
            raise ValueError(f"unknown invite error {reason!r}")
        super().__init__(reason)
        self.reason = reason


class CandidateError(ValueError):
    """A request the rules refuse (duplicate e-mail, not a candidate, not allowed...)."""


class AlreadyExists(CandidateError):
    """The e-mail address belongs to someone who cannot be (re-)invited by this person."""
