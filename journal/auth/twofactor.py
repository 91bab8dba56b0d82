"""Two-step sign-in: a TOTP authenticator app (RFC 6238, 30-second codes of 6 digits) and ten single-use
recovery codes.

Offered to every account; required for clinicians and moderators before they see anyone's data
(journal/security.py: roles_only). The TOTP secret (160 bits from pyotp) is encrypted under the account's
own data key (AES-256-GCM, bound to `users.totp_secret` and the account's id), so a copy of the database
without the master keyring cannot make codes, and deleting the account shreds it with the journal.
Recovery codes (80 bits each) are stored as SHA-256 only and shown once. A code works once: the last
time step used is kept, and a code of that step or an earlier one is refused.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, select, update

from journal import crypto
from journal.accounts import User
from journal.auth.models import RecoveryCode
from journal.auth.services import AccountError, sign_out_everywhere, verify_password
from journal.auth.verification import EmailNotVerified
from journal.extensions import db
from journal.keys import key_for

ISSUER = "Peer Journal"
RECOVERY_CODES = 10
STEP_SECONDS = 30
SECRET_TABLE = "users.totp_secret"  # noqa: S105 - the name bound into the ciphertext
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 4, 4  # 16 characters of 31: about 79 bits
STAFF_KEEP = ("Clinician, moderator and admin accounts keep two-step sign-in on: it protects the members whose data "
              "they see.")


def _encrypt(user: User, secret: str) -> bytes:
    return key_for(user).encrypt_text(secret, table=SECRET_TABLE, row_id=user.id)


def _secret(user: User) -> str | None:
    if user.totp_secret_ct is None:
        return None
    return key_for(user).decrypt_text(user.totp_secret_ct, table=SECRET_TABLE, row_id=user.id)


def begin(user: User) -> str:
    """Start setting up (or start again): a new secret, kept encrypted until a first code confirms it.
    Needs a confirmed email address, so that nobody can lock an address's owner out of an account
    someone else registered with it."""
    if user.two_factor:
        raise AccountError("Two-step sign-in is already on.")
    if not user.email_verified:
        raise EmailNotVerified("Confirm your email address before you set up two-step sign-in.")
    secret = pyotp.random_base32()
    user.totp_secret_ct = _encrypt(user, secret)
    user.totp_last_step = None
    return secret


def pending_secret(user: User) -> str | None:
    """The secret of a set-up under way (shown again if the page is reloaded), or None."""
    return None if user.two_factor else _secret(user)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def secret_groups(secret: str) -> str:
    """The secret in groups of four, for typing by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side for clock drift) whose code is `code`, or None."""
    totp = pyotp.TOTP(secret)
    current = _step(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def _use_step(user: User, step: int) -> bool:
    """Record `step` as used, only if no later or equal step was (atomic: two requests with one code race)."""
    result = db.session.execute(
        update(User).where(User.id == user.id,
                           (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return result.rowcount == 1


def confirm(user: User, code: str, now: datetime, *, keep_session=None) -> list[str]:
    """Turn two-step sign-in on with a first code from the app. Returns the recovery codes (shown once).
    Every other session of the account ends: they began without the second step."""
    secret = pending_secret(user)
    if secret is None:
        raise AccountError("Start the set-up again: it was not under way.")
    step = _matching_step(secret, _digits(code or ""), now)
    if step is None or not _use_step(user, step):
        raise AccountError("That code does not match. Check the time on your phone, then type the newest code.")
    user.totp_enabled_at = now
    codes = _new_recovery_codes(user, now)
    sign_out_everywhere(user, keep=keep_session)
    return codes


def _normalized_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH))
        codes.append("-".join(raw[i:i + RECOVERY_GROUP_LENGTH] for i in range(0, len(raw), RECOVERY_GROUP_LENGTH)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=crypto.hash_token(raw), created_at=now))
    db.session.flush()
    return codes


def check(user: User, code: str, now: datetime) -> str | None:
    """The second step of signing in: "app" for a fresh authenticator code, "recovery" for an unused
    recovery code (now spent), or None."""
    if not user.two_factor or not code or len(code) > 64:
        return None
    digits = _digits(code)
    if digits.isdigit() and len(digits) == 6:
        step = _matching_step(_secret(user), digits, now)
        return "app" if step is not None and _use_step(user, step) else None
    digest = crypto.hash_token(_normalized_recovery(code))
    result = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=now))
    return "recovery" if result.rowcount == 1 else None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def renew_recovery_codes(user: User, password: str, now: datetime) -> list[str]:
    """Ten new recovery codes (the old ones stop working); needs the password."""
    if not user.two_factor:
        raise AccountError("Two-step sign-in is off.")
    if not verify_password(user, password):
        raise AccountError("That password is not right.")
    return _new_recovery_codes(user, now)


def disable(user: User, password: str) -> None:
    """Turn two-step sign-in off (members only); needs the password."""
    if user.is_staff:
        raise AccountError(STAFF_KEEP)
    if not verify_password(user, password):
        raise AccountError("That password is not right.")
    _clear(user)


def _clear(user: User) -> None:
    user.totp_secret_ct = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset_by_operator(user: User) -> None:
    """For the people who run the server, once they are sure who is asking (`flask users reset-two-factor`):
    the account loses its authenticator and recovery codes, and every session ends; a staff account is
    asked to set it up again at its next sign-in."""
    _clear(user)
    sign_out_everywhere(user)
