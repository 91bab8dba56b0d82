"""Domain errors: a request that cannot be honoured, with a message a person can act on.

Every feature's errors derive from `DomainError`. Raising one means this request's change failed: even
when the view catches it and answers with a form message or a flash and a redirect, nothing the request
wrote is kept (journal/database.py rolls back when a domain error was raised during the request).
"""
from __future__ import annotations

from flask import g, has_request_context


class DomainError(Exception):
    """Base of every error a service raises for a person to read."""

    def __init__(self, *args):
        super().__init__(*args)
        if has_request_context():
            g._pj_domain_error = True  # the request's writes are rolled back, however the view answers


class ValidationError(DomainError):
    """Input that cannot be saved; `fields` maps each field to a message a person can act on."""

    def __init__(self, fields: dict[str, str], message: str = "Some fields need another look."):
        super().__init__(message)
        self.message = message
        self.fields = fields
