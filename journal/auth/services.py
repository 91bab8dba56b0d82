"""Account domain functions: registration, authentication, passwords, data keys, deletion."""
from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from importlib import resources

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from journal import crypto, database
from journal.accounts import ROLES, DataKeyRecord, User
from journal.auth import devices, tokens
from journal.auth.models import AuthSession
from journal.domain import DomainError
from journal.extensions import db, utcnow

PASSWORD_MIN = 10
PASSWORD_MAX = 128


class AccountError(DomainError):
    """A request about an account that cannot be honoured; the message is safe to show."""


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("journal.data").joinpath("common-passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Length and commonness only: no composition rules."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters. A short phrase is easy to remember."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.lower() in _common_passwords():
        return "That password is one of the most common ones. Please choose another."
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(crypto.random_token(), method=method)


@database.retrying_conflicts
def register(*, email: str, password: str, display_name: str, role: str, timezone: str,
             privacy_version: str | None = None, now: datetime | None = None) -> User | None:
    """Create an account with its data key, recording which version of the privacy page its owner agreed
    to; None if the email is taken (the caller must not say so)."""
    if role not in ("member", "clinician"):
        raise AccountError("Choose member or clinician.")
    password_hash = hash_password(password)  # hashed either way, so both outcomes take the same time
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return None
    user = User(email=email, password_hash=password_hash, display_name=display_name.strip(),
                role=role, timezone=timezone, privacy_version=privacy_version,
                privacy_accepted_at=(now or utcnow()) if privacy_version else None)
    db.session.add(user)
    db.session.flush()
    wrapped = crypto.vault().new_data_key(user.id)
    user.data_key = DataKeyRecord(master_key_id=wrapped.master_key_id, wrapped=wrapped.wrapped)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; unknown emails cost the same as wrong passwords."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every session of the account (the caller signs this browser in anew)."""
    if not verify_password(user, current):
        raise AccountError("Your current password is not right.")
    problem = password_problem(new)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    tokens.spend_all(user.id, tokens.RESET, utcnow())  # a reset link mailed earlier no longer works
    sign_out_everywhere(user)


def sign_out_everywhere(user: User, *, keep: uuid.UUID | None = None) -> None:
    """End every session of this user (all but `keep`, this device's, when given): each stops working on
    its next request. Password changes and suspensions (peers) end them all."""
    devices.end_sessions(user.id, keep=keep)


def delete_account(user: User, password: str) -> None:
    """Crypto-shred, then delete: the data key goes first, so any row left behind is unreadable."""
    if not verify_password(user, password):
        raise AccountError("That password is not right.")
    db.session.execute(delete(DataKeyRecord).where(DataKeyRecord.user_id == user.id))
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    db.session.flush()
    user_id = user.id
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id))


def rewrap_data_keys(batch_size: int = 500, now: datetime | None = None) -> int:
    """Re-wrap every data key not under the primary master key, committing per batch."""
    vault = crypto.vault()
    primary = vault.keyring.primary_id
    done = 0
    while True:
        records = db.session.scalars(
            select(DataKeyRecord).where(DataKeyRecord.master_key_id != primary)
            .order_by(DataKeyRecord.id).limit(batch_size)
        ).all()
        if not records:
            return done
        for record in records:
            new = vault.rewrap(record.user_id, crypto.WrappedKey(record.master_key_id, record.wrapped))
            record.master_key_id, record.wrapped = new.master_key_id, new.wrapped
            record.rewrapped_at = now or utcnow()
        db.session.commit()
        done += len(records)


def data_keys_by_master_key() -> dict[str, int]:
    rows = db.session.execute(
        select(DataKeyRecord.master_key_id, func.count()).group_by(DataKeyRecord.master_key_id)
    )
    return dict(rows.all())


def set_role(email: str, role: str) -> User:
    """Give an account a role (member, clinician, moderator, admin). An admin sees only the programme report
    (journal/programme): aggregates of opted-in members, never a journal or peer content."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise AccountError("No account has that email.")
    user.role = role
    return user
