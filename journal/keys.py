"""The one door to members' data keys, on the kernel floor (journal/crypto.py holds the ciphers).

Every feature that shows a member's content goes through here: `key_for(user)` once per request,
`keys_for(owner_ids)` for many members in one query, and `decrypt_or_placeholder` for text that may no
longer decrypt (a tampered row, a crypto-shredded account): one wording for whatever could not be read.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select

from journal import crypto
from journal.accounts import DataKeyRecord, User
from journal.domain import DomainError
from journal.extensions import db

log = logging.getLogger(__name__)

UNREADABLE = "(could not be decrypted)"


class KeyGone(DomainError):
    """The account's data key has been deleted (crypto-shredded): nothing of it can be read again."""


def key_for(user: User) -> crypto.DataKey:
    """The member's unwrapped data key, unwrapped once per request (kept on the request's User object)."""
    cached = user.__dict__.get("_unwrapped_key")
    if cached is None:
        record = user.data_key
        if record is None:
            raise KeyGone("This account's data key has been deleted.")
        cached = crypto.vault().unwrap(user.id, record.id, crypto.WrappedKey(record.master_key_id, record.wrapped))
        user.__dict__["_unwrapped_key"] = cached
    return cached


def key_for_owner(owner_id: int) -> crypto.DataKey:
    """Another member's data key, for content they shared (the caller has checked access)."""
    return key_for(db.session.get(User, owner_id))


def keys_for(owner_ids: Iterable[int]) -> dict[int, crypto.DataKey]:
    """Many members' data keys from one query; accounts that are gone or whose key does not unwrap are
    left out (their content then shows the placeholder)."""
    owner_ids = set(owner_ids)
    if not owner_ids:
        return {}
    vault, keys = crypto.vault(), {}
    for record in db.session.execute(select(DataKeyRecord.id, DataKeyRecord.user_id, DataKeyRecord.master_key_id,
                                            DataKeyRecord.wrapped).where(DataKeyRecord.user_id.in_(owner_ids))):
        try:
            keys[record.user_id] = vault.unwrap(record.user_id, record.id,
                                                crypto.WrappedKey(record.master_key_id, record.wrapped))
        except crypto.DecryptionError:
            log.warning("data key of user %s could not be unwrapped", record.user_id)
    return keys


def decrypt_or_placeholder(key: crypto.DataKey | None, token: bytes | None, *, table: str, column: str,
                           row_id) -> str | None:
    """The decrypted text; None when nothing was stored; UNREADABLE when it does not decrypt or its key is
    gone (`key` None). Logs the row, never the content."""
    if token is None:
        return None
    if key is None:
        return UNREADABLE
    try:
        return key.decrypt_text(token, table=crypto.label(table, column), row_id=row_id)
    except crypto.DecryptionError:
        log.warning("could not decrypt %s %s", crypto.label(table, column), row_id)
        return UNREADABLE
