"""Password reset by email: a single-use token valid one hour, the same answer for every address, and every
session of the account ended once the new password is set.

Nothing in the journal is lost by a reset: a member's data key is random and stored wrapped by the server's
master key (journal/crypto.py), never derived from the password, so the new password opens the same journal.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from journal.accounts import User
from journal.auth import tokens, verification
from journal.auth.services import AccountError, hash_password, normalize_email, password_problem, sign_out_everywhere
from journal.extensions import db

LINK_SPENT = "This link has expired or has already been used. Ask for a new one below: links work for an hour."


def request_reset(email: str, now: datetime) -> tuple[User, str] | None:
    """A reset token for the account with this email, or None if there is none (the caller must answer the
    same way). The token is made and hashed either way, so both cost the same work up to the lookup."""
    token, token_hash = tokens.new_token()
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        return None
    tokens.store(user, tokens.RESET, token_hash, now)
    return user, token


def reset_target(token: str | None, now: datetime) -> User | None:
    """The account a live reset token is for (to show the form), or None; spends nothing."""
    row = tokens.find(token, tokens.RESET, now)
    return db.session.get(User, row.user_id) if row is not None else None


def reset_password(token: str | None, new_password: str, now: datetime) -> User:
    """Set a new password with a live reset token: the token (and any other reset token of the account) is
    spent and every session of the account ends. AccountError if the token no longer works."""
    row = tokens.find(token, tokens.RESET, now, for_update=True)
    if row is None:
        raise AccountError(LINK_SPENT)
    problem = password_problem(new_password)
    if problem:
        raise AccountError(problem)
    user = db.session.get(User, row.user_id)
    user.password_hash = hash_password(new_password)
    tokens.spend_all(user.id, tokens.RESET, now)
    sign_out_everywhere(user)
    verification.mark_verified(user, now)  # the link reached the address: it is the member's
    return user
