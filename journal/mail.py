"""Outgoing mail, from one place: SMTP set by JOURNAL_SMTP_*, or by default a file per message.

With no SMTP host configured (what `make run` serves), each message is written to `instance/mail/` (the
folder 0700, each file 0600) and the log names the file, never its body or a link in it, so a developer
opens the link from there and nothing else needs setting up. Messages are built by features from fixed
wording and links: no health data ever goes into a mail.

Features `queue()` a message while they handle a request; it leaves only if the request succeeded (status
below 400), and only after the answer has been handed to the server (`call_on_close`). So the time a
request takes does not tell whether a mail went out: "forgot your password" for an address with an account
answers as fast as for one without, and a slow or failing mail server never holds up the page. Outside a
request (the CLI), `queue()` sends at once.
"""
from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, url_for

from journal import database
from journal.config import private_directory

log = logging.getLogger(__name__)

MAIL_FOLDER = "mail"
SMTP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Message:
    """One plain-text mail. `kind` names it in logs and file names ("reset", "verify"); never content."""

    to: str
    subject: str
    body: str
    kind: str


@dataclass(frozen=True)
class Settings:
    """Where mail goes, read once from the app's config (journal/config.py, JOURNAL_SMTP_* and
    JOURNAL_MAIL_FROM). No host: files in `folder`."""

    sender: str
    folder: Path
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    ssl: bool = False
    timeout: float = SMTP_TIMEOUT

    @classmethod
    def from_app(cls, app: Flask) -> Settings:
        config = app.config
        return cls(sender=config["MAIL_FROM"], folder=Path(app.instance_path) / MAIL_FOLDER,
                   host=config.get("MAIL_SMTP_HOST") or None, port=config.get("MAIL_SMTP_PORT"),
                   username=config.get("MAIL_SMTP_USERNAME") or None, password=config.get("MAIL_SMTP_PASSWORD"),
                   starttls=bool(config["MAIL_SMTP_STARTTLS"]), ssl=bool(config["MAIL_SMTP_SSL"]),
                   timeout=float(config["MAIL_SMTP_TIMEOUT"]))

    @property
    def to_files(self) -> bool:
        return not self.host


def init_app(app: Flask) -> None:
    settings = Settings.from_app(app)
    app.extensions["journal.mail"] = settings
    app.after_request(_hand_over)
    if settings.to_files and app.config["JOURNAL_ENV"] == "production":
        app.logger.warning("JOURNAL_SMTP_HOST is not set: outgoing mail (password resets, email confirmations) "
                           "is written to %s instead of being sent", settings.folder)


def settings() -> Settings:
    return current_app.extensions["journal.mail"]


def link(endpoint: str, **values) -> str:
    """An absolute link for a mail: on JOURNAL_PUBLIC_ORIGIN when it is set, never on a Host header someone
    else chose (production requires the origin before it sends mail; see journal/config.py)."""
    origin = current_app.config.get("PUBLIC_ORIGIN")
    if origin:
        return origin.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def queue(message: Message) -> None:
    """Send `message` once this request has answered successfully; at once outside a request."""
    if has_request_context():
        g.setdefault("_pj_mail", []).append(message)
    else:
        send_now(message, settings())


def _hand_over(response):
    """After a request: its queued mail leaves once the answer is out, if the request succeeded."""
    outbox = g.pop("_pj_mail", None)
    if outbox and database.succeeded(response):
        config = settings()
        response.call_on_close(lambda: deliver(outbox, config))
    return response


def deliver(messages: list[Message], config: Settings) -> None:
    """Send each message; a failure is logged (kind and error class only) and never raised."""
    for message in messages:
        try:
            send_now(message, config)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail (%s) could not be sent: %s", message.kind, type(exc).__name__)


def build(message: Message, config: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(config.sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    email.set_content(message.body)
    return email


def send_now(message: Message, config: Settings) -> Path | None:
    """Send one message now: over SMTP, or into a 0600 file (returned) when no SMTP host is set."""
    email = build(message, config)
    if config.to_files:
        return _write(email, message.kind, config.folder)
    if config.ssl:
        client = smtplib.SMTP_SSL(config.host, config.port or 465, timeout=config.timeout, context=tls_context())
    else:
        client = smtplib.SMTP(config.host, config.port or 587, timeout=config.timeout)
    with client:
        if config.starttls and not config.ssl:
            client.starttls(context=tls_context())
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(email)
    log.info("mail (%s) sent through %s", message.kind, config.host)
    return None


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's authorities, as for any other TLS client."""
    return ssl.create_default_context()


def _write(email: EmailMessage, kind: str, folder: Path) -> Path:
    private_directory(folder)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{kind}-{secrets.token_hex(4)}.eml"
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bytes(email))
    # A warning, so that it shows in `make run`'s log: the mail was kept here, not sent.
    log.warning("mail (%s) not sent (no JOURNAL_SMTP_HOST): written to %s", kind, path)
    return path
