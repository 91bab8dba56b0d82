"""The account's way back in, in a real browser on a 320-px phone: two-step sign-in set up and used, and a
forgotten password reset from the mailed link. No page scrolls sideways."""
from __future__ import annotations

import time

import pyotp
import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.mailbox import link_in, outbox

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}
NEW_PASSWORD = "a fresh path through the woods"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=NARROW, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_two_step_sign_in_set_up_and_used_at_320_px(phone, live_app):
    page, member = sign_in(phone, live_app, two_factor=False)
    page.goto("/account")
    assert fits(page)
    page.click("a:has-text('Set up two-step sign-in')")
    assert fits(page)
    page.click("button:has-text('Set up two-step sign-in')")
    page.wait_for_selector("img[alt='QR code for your authenticator app']")
    assert fits(page), "the key and the setup link wrap"
    secret = page.inner_text("#totp-secret").replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", "123456" if totp.now() != "123456" else "654321")
    page.click("button:has-text('Turn on two-step sign-in')")
    assert page.locator("#code-err").inner_text().startswith("That code does not match")
    assert page.get_attribute("input[name=code]", "aria-describedby") == "code-hint code-err"
    assert fits(page)
    page.fill("input[name=code]", totp.now())
    page.click("button:has-text('Turn on two-step sign-in')")
    page.wait_for_selector("h1:has-text('Two-step sign-in is on')")
    assert page.locator(".recovery-codes li").count() == 10
    assert fits(page)
    page.click("text=I have saved them")

    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")
    page.fill("input[name=email]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/code")
    assert fits(page)
    assert page.get_attribute("input[name=code]", "autocomplete") == "one-time-code"
    page.fill("input[name=code]", totp.at(int(time.time()) + 30))  # this step's code was used to turn it on
    page.click("button[type=submit]")
    page.wait_for_url("**/checkin")


def test_forgotten_password_reset_from_the_mailed_link_at_320_px(phone, browser, live_app, live_server):
    page, member = sign_in(phone, live_app)  # signed in on this phone; the reset happens on another device
    stranger = browser.new_context(base_url=live_server, viewport=NARROW)
    stranger.set_default_timeout(10_000)
    try:
        reset = stranger.new_page()
        reset.goto("/login")
        reset.click("text=Forgot your password?")
        assert fits(reset)
        reset.fill("input[name=email]", member.email)
        reset.click("button:has-text('Send me a link')")
        reset.wait_for_url("**/password/forgot/sent")
        assert fits(reset)
        deadline = time.time() + 5
        while not [m for m in outbox(live_app, member.email) if "Reset" in m["Subject"]] and time.time() < deadline:
            time.sleep(0.05)  # the mail leaves just after the answer
        [mail] = [m for m in outbox(live_app, member.email) if "Reset" in m["Subject"]]
        reset.goto(link_in(mail, "/password/reset"))
        assert reset.url.endswith("/password/reset"), "the token is taken off the address bar"
        assert "Nothing in your journal is lost" in reset.content()
        assert fits(reset)
        reset.fill("input[name=new_password]", "1234567890")
        reset.click("button:has-text('Set my new password')")
        assert "most common" in reset.locator("#new_password-err").inner_text()
        assert fits(reset)
        reset.fill("input[name=new_password]", NEW_PASSWORD)
        reset.click("button:has-text('Set my new password')")
        reset.wait_for_url("**/login")
        assert "Nothing in your journal was lost" in reset.content()
        assert fits(reset)
    finally:
        stranger.close()
    # The device that was signed in was signed out by the reset.
    response = page.goto("/timeline")
    assert response.url.split("?")[0].endswith("/login")


def _new_invitation(page) -> tuple[str, str]:
    page.goto("/sharing/clinicians/")
    page.click("button:has-text('Create invitation')")
    page.wait_for_selector("h1:has-text('Invitation created')")
    return page.input_value("#invite-code"), page.input_value("#invite-link")


def test_the_invitation_code_copies_and_the_link_copies_where_the_browser_cannot_share(phone, live_app, live_server):
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page, _ = sign_in(phone, live_app)
    code, link = _new_invitation(page)
    assert fits(page)
    copy, share = page.locator("button[data-copy]"), page.locator("button[data-share]")
    assert copy.is_visible() and share.is_visible()
    assert share.inner_text() == "Copy link"  # no Web Share API in this desktop Chromium
    copy.click()
    page.wait_for_selector("#share-status:has-text('Code copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == code
    share.click()
    page.wait_for_selector("#share-status:has-text('Link copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_the_invitation_link_goes_to_the_share_sheet_where_there_is_one(phone, live_app):
    # A phone's share sheet, stood in for: record what the page asks to share.
    phone.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    page, _ = sign_in(phone, live_app)
    code, link = _new_invitation(page)
    share = page.locator("button[data-share]")
    assert share.inner_text() == "Share link"
    share.click()
    page.wait_for_selector("#share-status:has-text('Shared.')")
    shared = page.evaluate("window.shared")
    assert shared["url"] == link and shared["title"] == "Peer Journal invitation"
    assert code in shared["url"]
