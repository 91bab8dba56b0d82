"""Email confirmation: a link mailed at registration (and again on request), single-use, valid 48 hours.

Until an account's address is confirmed it keeps its own journal as usual, but cannot reach other people:
connecting with peers, replying to them and accepting a clinician's invitation call `require_verified`,
which raises EmailNotVerified; the pages and the API answer it the same way everywhere (journal/auth/
verification_views.py: a 403 saying why, with the way to get a new link).
"""
from __future__ import annotations

from datetime import datetime

from journal.accounts import User
from journal.auth import tokens
from journal.auth.services import AccountError
from journal.domain import DomainError
from journal.extensions import db

LINK_SPENT = ("This confirmation link has expired or has already been used. Log in and ask for a new one: "
              "links work for 48 hours.")


class EmailNotVerified(DomainError):
    """The account must confirm its email address before it does this; the message is safe to show."""

    code = "email_unverified"

    def __init__(self, message: str = "Confirm your email address first: open the link we mailed you, or ask "
                                      "for a new one."):
        super().__init__(message)
        self.message = message


def require_verified(user: User) -> None:
    """Raise EmailNotVerified unless the account has confirmed its address (peers, clinician invitations)."""
    if user.email_verified_at is None:
        raise EmailNotVerified()


def issue(user: User, now: datetime) -> str:
    """A confirmation token for the account's address (only its hash is stored); the caller mails it."""
    return tokens.issue(user, tokens.VERIFY, now)


def target(token: str | None, now: datetime) -> User | None:
    """The account a live confirmation token is for, or None; spends nothing."""
    row = tokens.find(token, tokens.VERIFY, now)
    return db.session.get(User, row.user_id) if row is not None else None


def confirm(token: str | None, now: datetime) -> tuple[User, bool]:
    """Confirm the address a live token was mailed to, spending it and every other confirmation token of
    the account. Returns the account and whether this was its first confirmation; AccountError if the
    token no longer works."""
    row = tokens.find(token, tokens.VERIFY, now, for_update=True)
    if row is None:
        raise AccountError(LINK_SPENT)
    user = db.session.get(User, row.user_id)
    first = user.email_verified_at is None
    if first:
        user.email_verified_at = now
    tokens.spend_all(user.id, tokens.VERIFY, now)
    return user, first


def mark_verified(user: User, now: datetime) -> None:
    """Following a password-reset link proves the address too."""
    if user.email_verified_at is None:
        user.email_verified_at = now
