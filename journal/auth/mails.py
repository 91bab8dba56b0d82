"""The account's mails, built from fixed wording in templates/auth/mail/: a reset link, a confirmation
link, notices. Never anything from the journal (no health data in any mail), never the password."""
from __future__ import annotations

from datetime import datetime

from flask import render_template

from journal.mail import Message, link


def _message(to: str, subject: str, template: str, kind: str, **context) -> Message:
    return Message(to=to, subject=subject, kind=kind, body=render_template(f"auth/mail/{template}.txt", **context))


def reset(email: str, token: str) -> Message:
    return _message(email, "Reset your Peer Journal password", "reset", "reset",
                    url=link("auth.reset_password", token=token), forgot_url=link("auth.forgot_password"))


def password_changed(email: str, now: datetime) -> Message:
    return _message(email, "Your Peer Journal password was changed", "password_changed", "password-changed",
                    when=now, forgot_url=link("auth.forgot_password"))


def confirm_address(email: str, token: str) -> Message:
    return _message(email, "Confirm your email address for Peer Journal", "confirm", "verify",
                    url=link("auth.verify_email", token=token))


def already_registered(email: str) -> Message:
    """To the owner of an address someone tried to register again: the answer on the page was the same as
    for a new account, so this mail is how the real owner learns of it."""
    return _message(email, "Someone tried to create a Peer Journal account with your address", "already_registered",
                    "register-taken", login_url=link("auth.login"), forgot_url=link("auth.forgot_password"))
