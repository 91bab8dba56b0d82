"""Reading the mail the app sends: a real SMTP server on 127.0.0.1 (aiosmtpd in a thread), and the files the
embedded default writes to instance/mail/. Both hand back `email.message.EmailMessage` objects."""
from __future__ import annotations

import email
import email.policy
import re
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class _Collect:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


class SMTPServer(Controller):
    """aiosmtpd on 127.0.0.1 on a free port (port 0, read back once bound)."""

    running: list[SMTPServer] = []  # so that `received()` finds what an app sent, wherever it went

    def __init__(self, **kwargs):
        self.inbox = _Collect()
        super().__init__(self.inbox, hostname="127.0.0.1", port=0, **kwargs)

    def start(self):
        super().start()
        SMTPServer.running.append(self)

    def stop(self, *args, **kwargs):
        if self in SMTPServer.running:
            SMTPServer.running.remove(self)
        super().stop(*args, **kwargs)

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()

    @property
    def messages(self) -> list:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def mail_folder(app) -> Path:
    return Path(app.instance_path) / "mail"


def mail_files(app) -> list[Path]:
    folder = mail_folder(app)
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def read_file(path: Path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def outbox(app, to: str | None = None) -> list:
    """Every message the file fallback wrote, oldest first (to one address, if given)."""
    messages = [read_file(path) for path in mail_files(app)]
    return [m for m in messages if to is None or m["To"] == to]


def last_mail(app, to: str):
    messages = outbox(app, to)
    assert messages, f"no mail to {to}"
    return messages[-1]


def body(message) -> str:
    return message.get_content()


def links(message) -> list[str]:
    return LINK.findall(body(message))


def received(app, to: str) -> list:
    """Every message the app sent to `to`, oldest first: from its files, or from the SMTP server it uses."""
    settings = app.extensions["journal.mail"]
    if settings.to_files:
        return outbox(app, to)
    servers = [s for s in SMTPServer.running if s.port == settings.port]
    assert servers, "the app sends through an SMTP server no test started"
    return servers[0].to(to)


def link_in(message, path: str) -> str:
    """The one link in `message` to `path` (e.g. "/account/verify")."""
    [url] = [url for url in links(message) if path in url]
    return url
