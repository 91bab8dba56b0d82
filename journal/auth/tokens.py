"""Single-use tokens sent by mail (password reset, email confirmation): issued, looked up and spent here.

The token is `secrets.token_urlsafe(32)` (256 bits) and lives only in the mail; the database keeps its
SHA-256 (journal/crypto.py: hash_token), its purpose, its owner and its times. A token works once, for its
purpose only, until it expires.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from journal import crypto
from journal.accounts import User
from journal.auth.models import AccountToken
from journal.extensions import db

RESET = "reset"
VERIFY = "verify"
LIFETIMES = {RESET: timedelta(hours=1), VERIFY: timedelta(hours=48)}
TOKEN_MAX = 100  # longer than any token we make: anything longer is not worth hashing


def new_token() -> tuple[str, bytes]:
    """A fresh token and its hash."""
    token = crypto.random_token(32)
    return token, crypto.hash_token(token)


def store(user: User, purpose: str, token_hash: bytes, now: datetime) -> AccountToken:
    """Keep the hash of a token just made for `user`; the account's spent and expired tokens go on the way."""
    db.session.execute(delete(AccountToken).where(
        AccountToken.user_id == user.id, or_(AccountToken.used_at.is_not(None), AccountToken.expires_at <= now)))
    row = AccountToken(id=uuid.uuid4(), user_id=user.id, purpose=purpose, token_hash=token_hash,
                       created_at=now, expires_at=now + LIFETIMES[purpose])
    db.session.add(row)
    db.session.flush()
    return row


def issue(user: User, purpose: str, now: datetime) -> str:
    """A new token for `user` (only its hash is stored); the caller mails it."""
    token, token_hash = new_token()
    store(user, purpose, token_hash, now)
    return token


def find(token: str | None, purpose: str, now: datetime, *, for_update: bool = False) -> AccountToken | None:
    """The live token row (unspent, unexpired, of this purpose) for `token`, or None however it fails."""
    if not token or not isinstance(token, str) or len(token) > TOKEN_MAX:
        return None
    statement = select(AccountToken).where(AccountToken.token_hash == crypto.hash_token(token),
                                           AccountToken.purpose == purpose)
    row = db.session.scalar(statement.with_for_update() if for_update else statement)
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def spend_all(user_id: int, purpose: str, now: datetime) -> None:
    """Spend every live token of this purpose for the account (the one just used, and any other)."""
    db.session.execute(update(AccountToken).where(
        AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=now))


def purge_expired(now: datetime) -> int:
    """Delete spent and expired tokens (they no longer work); returns how many."""
    result = db.session.execute(delete(AccountToken).where(
        or_(AccountToken.used_at.is_not(None), AccountToken.expires_at <= now)))
    return result.rowcount
