"""Outgoing mail (journal/mail.py): through a real SMTP server on 127.0.0.1, over STARTTLS with a login, and
the embedded default that writes each message to instance/mail/ (0700 folder, 0600 files, logged by path)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import logging
import os
import ssl
import stat

import pytest
from aiosmtpd.smtp import AuthResult

from journal import create_app, mail
from tests.conftest import app_config, smtp_config
from tests.mailbox import SMTPServer, body, mail_files, mail_folder, outbox

SECRET = "https://example.org/password/reset?token=do-not-log-me"


def message(**fields) -> mail.Message:
    return mail.Message(**{"to": "sam@example.org", "subject": "Reset your password", "body": f"Open {SECRET}",
                           "kind": "reset", **fields})


def queue_route(app):
    """A route that queues one mail and answers with the status it is given."""
    def send(status):
        mail.queue(message())
        return "queued", status

    app.add_url_rule("/_test/mail/<int:status>", view_func=send)


@pytest.fixture
def config_overrides(request):
    if "smtp_server" in request.fixturenames:
        return smtp_config(request.getfixturevalue("smtp_server"))
    return {}


def test_a_request_sends_its_mail_through_smtp_after_answering(app, client, smtp_server):
    queue_route(app)
    response = client.get("/_test/mail/200")
    assert response.status_code == 200
    [sent] = smtp_server.messages
    assert sent["To"] == "sam@example.org" and sent["Subject"] == "Reset your password"
    assert sent["From"] == "Peer Journal <no-reply@peerjournal.app>"
    assert sent["Auto-Submitted"] == "auto-generated" and sent["Message-ID"].endswith("@peerjournal.app>")
    assert SECRET in body(sent)
    assert smtp_server.inbox.envelopes[0].rcpt_tos == ["sam@example.org"]
    assert mail_files(app) == [], "with SMTP configured nothing is written to files"


def test_a_request_that_fails_sends_nothing(app, client, smtp_server):
    queue_route(app)
    assert client.get("/_test/mail/400").status_code == 400
    assert client.get("/_test/mail/500").status_code == 500
    assert smtp_server.messages == []


def test_mail_waits_for_the_answer_to_be_closed(app, smtp_server):
    """Delivery happens when the server closes the answer (after sending it), not while the view runs."""
    queue_route(app)
    response = app.test_client().get("/_test/mail/200")  # unbuffered: not closed yet
    assert response.status_code == 200 and smtp_server.messages == []
    response.close()
    assert len(smtp_server.messages) == 1


def test_a_mail_server_that_is_down_is_logged_without_content_and_never_breaks_the_page(app, client, caplog):
    queue_route(app)
    # Nothing listens on the discard port.
    app.extensions["journal.mail"] = dataclasses.replace(app.extensions["journal.mail"], host="127.0.0.1", port=9,
                                                         starttls=False)
    with caplog.at_level(logging.WARNING, logger="journal.mail"):
        assert client.get("/_test/mail/200").status_code == 200
    assert "mail (reset) could not be sent: ConnectionRefusedError" in caplog.text
    assert "token" not in caplog.text and "sam@example.org" not in caplog.text


def test_without_an_smtp_host_mail_is_written_to_private_files_and_logged_by_path(app, client, caplog):
    queue_route(app)
    old_umask = os.umask(0o022)
    try:
        with caplog.at_level(logging.WARNING, logger="journal.mail"):
            assert client.get("/_test/mail/200").status_code == 200
    finally:
        os.umask(old_umask)
    [path] = mail_files(app)
    assert stat.S_IMODE(mail_folder(app).stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "-reset-" in path.name and "sam" not in path.name
    [written] = outbox(app)
    assert written["To"] == "sam@example.org" and SECRET in body(written)
    assert str(path) in caplog.text
    assert "do-not-log-me" not in caplog.text and "Open" not in caplog.text and "sam@example.org" not in caplog.text


def test_what_make_run_serves_writes_mail_to_the_instance_folder(tmp_path, monkeypatch):
    for variable in ("JOURNAL_SMTP_HOST", "JOURNAL_ENV", "DATABASE_URL", "SECRET_KEY", "JOURNAL_MASTER_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    served = create_app()
    settings = served.extensions["journal.mail"]
    assert settings.to_files and settings.folder == tmp_path / "instance" / "mail"


def test_smtp_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    for variable, value in {"JOURNAL_SMTP_HOST": "smtp.example.org", "JOURNAL_SMTP_PORT": "2525",
                            "JOURNAL_SMTP_USERNAME": "journal", "JOURNAL_SMTP_PASSWORD": "pw",
                            "JOURNAL_SMTP_STARTTLS": "0", "JOURNAL_SMTP_SSL": "1",
                            "JOURNAL_MAIL_FROM": "Journal <hello@example.org>"}.items():
        monkeypatch.setenv(variable, value)
    settings = create_app().extensions["journal.mail"]
    assert (settings.host, settings.port, settings.username, settings.password, settings.starttls, settings.ssl,
            settings.sender) == ("smtp.example.org", 2525, "journal", "pw", False, True, "Journal <hello@example.org>")


def test_production_sends_mail_only_with_a_public_origin(tmp_path, monkeypatch):
    """Links in reset mails built from a request's Host header could point at someone else's site."""
    from journal import crypto

    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("JOURNAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    key = crypto.Keyring.generate()
    monkeypatch.setenv("JOURNAL_MASTER_KEYS", f"{key.primary_id}:{crypto._b64e(key.keys[key.primary_id])}")
    monkeypatch.setenv("JOURNAL_VAPID_PRIVATE_KEY", crypto.generate_vapid_private_key())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("JOURNAL_SMTP_HOST", "smtp.example.org")
    monkeypatch.delenv("JOURNAL_PUBLIC_ORIGIN", raising=False)
    with pytest.raises(RuntimeError, match="JOURNAL_PUBLIC_ORIGIN"):
        create_app()
    monkeypatch.setenv("JOURNAL_PUBLIC_ORIGIN", "https://journal.example.org")
    app = create_app()
    with app.test_request_context("/", base_url="https://evil.example.net"):
        assert mail.link("auth.login") == "https://journal.example.org/login"


# --- STARTTLS and a login, against a server with a certificate the test made -------------------------------


def _certificate(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # OpenSSL checks validity on the real clock, which tests may have moved (--clock): valid for ages.
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_starttls_and_login(tmp_path, monkeypatch):
    cert_path, key_path = _certificate(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert_path, key_path)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"journal" and auth_data.password == b"app password")

    server = SMTPServer(tls_context=server_tls, require_starttls=True, authenticator=authenticator)
    server.start()
    try:
        # The client checks the certificate as it would any other; this one is trusted for the test only.
        monkeypatch.setattr(mail, "tls_context", lambda: ssl.create_default_context(cafile=str(cert_path)))
        app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'm.sqlite3'}", MAIL_SMTP_HOST="127.0.0.1",
                                    MAIL_SMTP_PORT=server.port, MAIL_SMTP_USERNAME="journal",
                                    MAIL_SMTP_PASSWORD="app password"))
        mail.send_now(message(), app.extensions["journal.mail"])
        assert logins == [(b"journal", b"app password")]
        assert [m["Subject"] for m in server.messages] == ["Reset your password"]

        # An untrusted certificate is refused: nothing is sent in the clear instead.
        monkeypatch.setattr(mail, "tls_context", ssl.create_default_context)
        with pytest.raises(ssl.SSLCertVerificationError):
            mail.send_now(message(), app.extensions["journal.mail"])
        assert len(server.messages) == 1
    finally:
        server.stop()
