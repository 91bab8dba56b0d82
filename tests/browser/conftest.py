"""Browser fixtures for every feature: the app on a real server on 127.0.0.1 and one headless Chromium.

- `live_app`: the Flask app behind the server (SQLite, rate limits off), for seeding and checking rows.
- `live_server`: the server's base URL, e.g. "http://127.0.0.1:41234" (a secure context for Chromium).
- `browser`: Debian's Chromium through Playwright, launched once for all of tests/browser/ (package scope:
  Playwright's sync API keeps an asyncio loop running, so it must be gone before other tests' asyncio.run).
- `browser_context`: a fresh profile per test (no cookies, caches or service workers), base_url set.
- `member_page`: a page in a fresh profile, signed in through the login form as a new member;
  `member_page.member` has `.email`, `.user_id`. Use `sign_in(context, live_app)` for more people.

Locally the browser tests skip without /usr/bin/chromium; with CI=true they fail instead.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from journal.extensions import db
from tests.conftest import PASSWORD, require_service, sqlite_app_in

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
_emails = itertools.count(1)


@pytest.fixture(scope="package")
def live_app(tmp_path_factory):
    # Many browser tests sign up and log in from 127.0.0.1: the per-IP limits would trip. The push tests
    # subscribe Chromium to a fake push service on 127.0.0.1, which only this explicit setting allows.
    with sqlite_app_in(tmp_path_factory.mktemp("live"), RATELIMIT_ENABLED=False,
                       PUSH_ALLOW_LOCAL_SERVICES=True) as app:
        yield app


def _closed_before_sending(app):
    """The app's answers, each read whole and closed before werkzeug writes it. werkzeug's test server calls
    an answer's close() only after draining the request socket, and skips it when that read fails (Chromium
    sometimes resets the connection after following a redirect): what runs on close (journal/mail.py sends
    the mail a request queued) would then never run. gunicorn, which serves the app, always closes."""
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return wsgi


@pytest.fixture(scope="package")
def live_server(live_app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in test output
    server = make_server("127.0.0.1", 0, _closed_before_sending(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing (apt-get install chromium, or `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@dataclass
class Member:
    email: str
    user_id: int
    totp: object = None


def sign_in(context, live_app, *, display_name: str = "River", timezone: str = "UTC", role: str = "member",
            verified: bool = True, two_factor: bool | None = None):
    """Create an account directly (its email confirmed unless `verified=False`; two-step sign-in set up for
    staff, or when `two_factor=True`), then log in through the real login form (and code step); returns
    (page, Member). `Member.totp` makes codes (pyotp) when two-step sign-in is on."""
    import time

    import pyotp

    from journal.auth import services, twofactor, verification
    from journal.entries.tracking import seed_catalog
    from journal.extensions import utcnow

    email = f"browser{next(_emails)}-{os.getpid()}@example.org"
    with live_app.app_context():
        # Moderators and admins are members first, given their role by the operator (users set-role).
        user = services.register(email=email, password=PASSWORD, display_name=display_name,
                                 role="member" if role in ("moderator", "admin") else role, timezone=timezone)
        user.role = role
        if user.is_member:
            seed_catalog(user)
        if verified:
            verification.mark_verified(user, utcnow())
        totp = None
        if two_factor if two_factor is not None else role != "member":
            totp = pyotp.TOTP(twofactor.begin(user))
            twofactor.confirm(user, totp.now(), utcnow())
        db.session.commit()
        member = Member(email=email, user_id=user.id, totp=totp)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if totp is not None:
        assert page.url.endswith("/login/code"), page.url
        page.fill("input[name=code]", totp.at(int(time.time()) + 30))  # the next step's: this one was used
        with page.expect_navigation():
            page.click("button[type=submit]")
    assert "/login" not in page.url, "logging in failed"
    return page, member


@pytest.fixture
def member_page(browser_context, live_app):
    page, member = sign_in(browser_context, live_app)
    page.member = member
    return page
