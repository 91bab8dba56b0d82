"""A note written offline in crisis language shows the crisis lines on the device at once: the phrase list
(journal/crisis.py) ships with the offline check-in page, and nothing waits for a connection."""
import pytest

from tests.browser.test_pwa import controlled

pytestmark = pytest.mark.browser


def test_a_crisis_note_saved_offline_shows_the_crisis_lines_at_once(member_page, browser_context, live_app):
    page = member_page
    controlled(page)
    browser_context.set_offline(True)
    page.goto("/checkin")
    assert "saved on this device" in page.locator(".offline-banner").inner_text()
    form = page.locator("form.checkin-form")

    form.locator(".scale-option:has(input[name=mood][value='2'])").click()
    page.fill("#note", "Tired, but the new dose helps. Died my hair blue.")
    form.locator("button[type=submit]").click()
    page.wait_for_function("() => PJQueue.status().then(s => s.total === 1)")
    assert page.locator(".crisis-banner").count() == 0, "an ordinary note shows nothing"

    form.locator(".scale-option:has(input[name=mood][value='1'])").click()
    page.fill("#note", "I can’t go on anymore")
    form.locator("button[type=submit]").click()
    banner = page.locator("main .crisis-banner")
    banner.wait_for()
    phones = live_app.config["CRISIS_LINES"][:4]
    first_phone = next(line["phone"] for line in phones if line.get("phone"))
    assert banner.get_by_role("link", name=f"Call {first_phone}").is_visible()
    assert "nobody else has been told" in banner.inner_text()
    browser_context.set_offline(False)
