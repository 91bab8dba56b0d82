"""A new member's first minutes, in a real browser on a 360-px phone screen: register (which signs in),
check in, see the timeline, edit the check-in, delete it."""
import os
import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_check_in_edit_and_delete_on_a_small_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    email = f"first-steps-{os.getpid()}@example.org"

    page.goto("/register")
    assert fits_the_screen(page)
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", "Wren")
    page.fill("input[name=password]", PASSWORD)
    assert not page.is_checked("input[name=privacy]")  # nothing ticked for the member
    page.check("input[name=privacy]")
    page.click("button[type=submit]")
    page.wait_for_url("**/checkin")  # signed in at once: no second form
    assert "We sent a message to" in page.content() and "Please confirm your email address" in page.content()
    assert fits_the_screen(page)
    # Large targets: every choice on the mood scale is at least 44 px tall.
    heights = page.eval_on_selector_all(".checkin-form .scale-option span",
                                        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44

    form = page.locator("form.checkin-form")
    form.locator("label.scale-option", has_text="Low").first.click()  # mood: low
    page.fill("textarea[name=note]", "Slow morning, better by lunch.")
    form.locator("label.chip", has_text="Poor sleep").click()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/entries/[0-9a-f-]{36}$"))
    assert "Slow morning, better by lunch." in page.content()

    page.click("nav.bottom-nav >> text=Timeline")
    page.wait_for_url("**/timeline")
    entry = page.locator("article.entry").first
    assert "Low" in entry.inner_text() and "Poor sleep" in entry.inner_text()
    assert fits_the_screen(page)

    entry.locator("a.more").click()
    page.click("text=Edit")
    page.locator("form.checkin-form label.scale-option", has_text="Good").first.click()
    page.fill("textarea[name=note]", "Better than I thought.")
    page.click("form.checkin-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/entries/[0-9a-f-]{36}$"))
    assert "Better than I thought." in page.content() and "Good" in page.content()

    page.click("text=Delete…")
    assert "Delete this check-in?" in page.content()
    page.click("button:has-text('Delete check-in')")
    page.wait_for_url("**/timeline")
    assert page.locator("article.entry").count() == 0
    assert "No check-ins yet" in page.content()
    context.close()
