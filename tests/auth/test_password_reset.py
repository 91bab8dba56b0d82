"""Password reset by email, through the real forms and a real SMTP server on 127.0.0.1: one answer for every
address, a single-use token stored only as a hash and valid one hour, every session ended, nothing lost."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from journal import crypto
from journal.auth.models import AccountToken
from journal.extensions import db
from tests.conftest import PASSWORD, make_checkin, smtp_config
from tests.mailbox import body, links

NEW_PASSWORD = "a fresh path through the woods"
CSRF_FIELD = re.compile(r'(name="csrf_token" type="hidden" value|name="csrf-token" content)="[^"]+"')


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_config(smtp_server)


def ask_for_link(client, email):
    return client.post("/password/forgot", {"email": email})


def reset_mails(smtp_server, email) -> list:
    return [m for m in smtp_server.to(email) if m["Subject"] == "Reset your Peer Journal password"]


def reset_link(smtp_server, email) -> str:
    [message] = reset_mails(smtp_server, email)
    [link] = [url for url in links(message) if "/password/reset" in url]
    return link


def follow(client, link):
    """Open a mailed link as a browser would: the first hop moves the token out of the URL."""
    parts = urlsplit(link)
    first = client.get(f"{parts.path}?{parts.query}")
    assert first.status_code == 302 and first.headers["Location"] == "/password/reset"
    return client.get("/password/reset")


def set_password(client, password=NEW_PASSWORD):
    return client.post("/password/reset", {"new_password": password})


def test_login_page_offers_it(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot">Forgot your password?</a>' in page


def test_reset_by_email_ends_every_session_and_keeps_the_journal(app, members, new_client, smtp_server):
    member = members.make()
    entry = make_checkin(member, note="still here after the reset")
    other_device = new_client()
    assert other_device.login(member.email).status_code == 302

    stranger = new_client()  # the member on a device where they are not signed in
    response = ask_for_link(stranger, member.email)
    assert response.status_code == 302 and response.headers["Location"] == "/password/forgot/sent"
    link = reset_link(smtp_server, member.email)
    assert link.startswith("http://localhost/password/reset?token=")
    assert "still here" not in body(reset_mails(smtp_server, member.email)[0])  # no health data in a mail

    form = follow(stranger, link)
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "Nothing in your journal is lost" in page
    assert "not with your password" in page
    response = set_password(stranger)
    assert response.status_code == 302 and response.headers["Location"] == "/login"

    # Every session of the account ended: both devices that were signed in are out.
    assert member.get("/timeline").status_code == 302
    assert other_device.api("GET", "/api/v1/checkins").status_code == 401
    # The old password no longer works, the new one does, and the journal reads as before.
    assert stranger.login(member.email).status_code == 400
    assert stranger.login(member.email, NEW_PASSWORD).status_code == 302
    assert stranger.api("GET", f"/api/v1/checkins/{entry['id']}").get_json()["note"] == "still here after the reset"
    # A notice went to the address, and the link works only once.
    assert [m["Subject"] for m in smtp_server.to(member.email)][-1] == "Your Peer Journal password was changed"
    again = new_client()
    page = follow(again, link)
    assert page.status_code == 400 and "expired or has already been used" in page.get_data(as_text=True)
    assert set_password(again, "yet another long phrase").status_code == 400
    assert again.login(member.email, NEW_PASSWORD).status_code == 302


def test_every_address_gets_the_same_answer(members, new_client, smtp_server):
    member = members.make()
    known, unknown = new_client(), new_client()
    answers = [ask_for_link(known, member.email), ask_for_link(unknown, "nobody@example.org")]
    assert [(a.status_code, a.headers["Location"]) for a in answers] == [(302, "/password/forgot/sent")] * 2
    pages = [CSRF_FIELD.sub("", c.get("/password/forgot/sent").get_data(as_text=True)) for c in (known, unknown)]
    assert pages[0] == pages[1]
    assert [m["To"] for m in smtp_server.messages if "Reset" in m["Subject"]] == [member.email]
    assert smtp_server.to("nobody@example.org") == []


def test_an_unknown_address_costs_the_same_token_work(app, client, monkeypatch):
    from journal.auth import tokens

    made = []
    real = tokens.new_token
    monkeypatch.setattr(tokens, "new_token", lambda: made.append(1) or real())
    ask_for_link(client, "nobody@example.org")
    assert made == [1]


def test_the_token_is_stored_only_as_a_hash_and_is_long(app, member, new_client, smtp_server):
    ask_for_link(new_client(), member.email)
    token = reset_link(smtp_server, member.email).split("token=", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    with app.app_context():
        [row] = db.session.scalars(select(AccountToken).where(AccountToken.purpose == "reset")).all()
        assert row.token_hash == crypto.hash_token(token) and row.purpose == "reset"
        assert row.expires_at - row.created_at == timedelta(hours=1)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        path = Path(uri.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert crypto.hash_token(token) in raw and token.encode() not in raw


def test_a_link_older_than_an_hour_no_longer_works(app, member, new_client, smtp_server, monkeypatch):
    import journal.auth.recovery_views as views

    browser = new_client()
    ask_for_link(browser, member.email)
    later = views.clock() + timedelta(minutes=61)
    monkeypatch.setattr(views, "clock", lambda: later)
    page = follow(browser, reset_link(smtp_server, member.email))
    assert page.status_code == 400 and "expired" in page.get_data(as_text=True)
    assert set_password(browser).status_code == 400
    assert browser.login(member.email).status_code == 302


def test_the_new_password_follows_the_registration_rules(member, new_client, smtp_server):
    browser = new_client()
    ask_for_link(browser, member.email)
    follow(browser, reset_link(smtp_server, member.email))
    response = set_password(browser, "1234567890")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "most common" in page
    assert 'aria-describedby="new_password-hint new_password-err"' in page and 'aria-invalid="true"' in page
    assert set_password(browser).status_code == 302  # the token was not spent by the refusal


def test_the_form_marks_no_untouched_field_invalid(client):
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "aria-invalid" not in page and 'for="email"' in page


def test_changing_the_password_spends_a_pending_reset_link(member, new_client, smtp_server):
    browser = new_client()
    ask_for_link(browser, member.email)
    link = reset_link(smtp_server, member.email)
    member.post("/account/password", {"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD})
    assert follow(browser, link).status_code == 400


def test_asking_is_rate_limited_per_address_whoever_asks(app, members, new_client):
    member = members.make()
    app.config["RATELIMIT_RESET_ADDRESS"] = "2 per hour"
    statuses = [ask_for_link(new_client(), member.email).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ask_for_link(new_client(), "someone-else@example.org").status_code == 302
    # An address without an account is limited the same way: the limit tells nothing either.
    assert [ask_for_link(new_client(), "nobody@example.org").status_code for _ in range(3)] == [302, 302, 429]


def test_asking_is_rate_limited_per_ip(app, client):
    app.config["RATELIMIT_RESET_IP"] = "3 per hour"
    statuses = [ask_for_link(client, f"user{i}@example.org").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_spent_and_expired_tokens_are_purged(app, member, new_client, smtp_server):
    browser = new_client()
    ask_for_link(browser, member.email)
    ask_for_link(browser, member.email)
    follow(browser, reset_link_of(smtp_server, member.email, 0))
    assert set_password(browser).status_code == 302  # spends both
    result = app.test_cli_runner().invoke(args=["users", "purge-tokens"])
    assert result.exit_code == 0 and "Removed 2 spent or expired tokens." in result.output
    with app.app_context():
        assert db.session.scalars(select(AccountToken)).all() == []


def reset_link_of(smtp_server, email, index) -> str:
    return [url for url in links(reset_mails(smtp_server, email)[index]) if "/password/reset" in url][0]
