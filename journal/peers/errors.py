"""Domain errors of the peers feature; views map them to form errors, flashes or HTTP statuses."""
from __future__ import annotations

from journal.domain import DomainError


class PeerError(DomainError):
    """A peer action that cannot be done; `message` is safe to show to the member."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(PeerError):
    """Nothing the member may see (or act on) is there: always worded the same, confirming nothing."""

    status = 404
    code = "not_found"


class Invalid(PeerError):
    status = 422
    code = "invalid"



class Conflict(PeerError):
    status = 409
    code = "conflict"
