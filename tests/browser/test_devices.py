"""Signed-in devices on a 320-px phone: the list fits without sideways scrolling, marks this device, and
signs out another one, which is then out for real."""
import pytest

from tests.auth.test_sessions import CHROME_ANDROID, FIREFOX_WINDOWS
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_out_another_device_from_a_320_px_screen(browser, live_server, live_app):
    laptop_context = browser.new_context(base_url=live_server, user_agent=FIREFOX_WINDOWS)
    phone_context = browser.new_context(base_url=live_server, viewport=NARROW, is_mobile=True, has_touch=True,
                                        user_agent=CHROME_ANDROID)
    try:
        laptop, member = sign_in(laptop_context, live_app)
        phone = phone_context.new_page()
        phone.goto("/login")
        phone.fill("input[name=email]", member.email)
        phone.fill("input[name=password]", PASSWORD)
        with phone.expect_navigation():
            phone.click("button[type=submit]")

        phone.goto("/account")
        assert fits_the_screen(phone)
        assert phone.locator("[aria-invalid=true], .has-error, :user-invalid").count() == 0
        devices = phone.locator("#devices li")
        assert devices.count() == 2
        assert "Chrome on Android · This device" in devices.nth(0).inner_text()
        assert devices.nth(0).locator("button").count() == 0
        assert "Firefox on Windows" in devices.nth(1).inner_text()
        phone.locator("#devices").scroll_into_view_if_needed()
        assert fits_the_screen(phone)
        with phone.expect_navigation():
            devices.nth(1).locator("button:has-text('Sign out')").click()
        assert "Signed out Firefox on Windows." in phone.content()
        assert phone.locator("#devices li").count() == 1
        assert fits_the_screen(phone)

        laptop.goto("/timeline")
        assert "/login" in laptop.url
        phone.goto("/timeline")
        assert phone.url.endswith("/timeline")
    finally:
        laptop_context.close()
        phone_context.close()
