"""A member's own calendar, charts and appointment summary on phone-sized screens (320 and 390 px): no page
scrolls sideways, a day on the calendar opens that day's check-ins, and the summary works without
JavaScript."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (320, 390)
LONG = "Post-exertional-malaise-after-a-short-walk-to-the-shop"  # one long word: it must wrap, not widen


def fits_the_screen(page) -> bool:
    """No sideways scrolling. A mobile browser widens its layout viewport to fit content that overflows, so
    window.innerWidth alone would grow with the overflow: it must also still be the screen's width."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner == page.viewport_size["width"]


def seed(page, base: str) -> None:
    """Check-ins through the API, as the app's own JavaScript sends them: today and a few days back, with a
    long symptom name, a medication and a long note."""
    token = page.get_attribute("meta[name=csrf-token]", "content")
    headers = {"X-CSRFToken": token}

    def post(path, data):
        response = page.request.post(f"{base}{path}", headers=headers, data=data)
        assert response.status == 201, response.text()
        return response.json()

    symptom = post("/api/v1/symptoms", {"name": LONG})["id"]
    med = post("/api/v1/medications", {"name": "Methotrexate", "dose": "15 mg"})["id"]
    for days, mood in ((12, 4), (3, 2), (3, 5), (0, 1)):
        at = datetime.now(UTC) - timedelta(days=days, minutes=5)
        post("/api/v1/checkins", {"mood": mood, "pain": 2, "energy": 3, "sleep_hours": 7, "occurred_at": at.isoformat(),
                                  "symptoms": [{"id": symptom, "severity": 3}], "medications": [{"id": med}],
                                  "note": f"A long note {LONG}{LONG}"})


@pytest.fixture
def phone(browser, live_server, live_app):
    contexts = []

    def open_phone(width: int, *, javascript: bool = True):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 740},
                                      device_scale_factor=2, is_mobile=True, has_touch=True,
                                      java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page, _ = sign_in(context, live_app, display_name="Wren")
        return page

    yield open_phone
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_calendar_charts_and_summary_fit_a_small_phone(phone, live_server, width):
    page = phone(width)
    seed(page, live_server)
    pages = ["/timeline", "/journal/calendar", "/journal/charts?days=30", "/journal/charts?days=90",
             "/journal/summary"]
    for path in pages:
        page.goto(path)
        assert fits_the_screen(page), (width, path)
    # Every data table opened, as someone reading the values would.
    page.goto("/journal/charts?days=90")
    for summary in page.locator("details.data-table > summary").all():
        summary.click()
    assert fits_the_screen(page), (width, "charts with tables open")

    # The summary: choose, show, and the printable page fits too (notes and every measure included).
    page.goto("/journal/summary")
    page.check("input[name=notes]")
    page.click("button:has-text('Show the summary')")
    page.wait_for_url("**/journal/summary/print?**")
    assert page.locator("h1").inner_text() == "Summary for my next appointment"
    assert page.locator("nav.bottom-nav").count() == 0
    assert page.locator("button.js-print").is_visible()  # shown where JavaScript can print
    assert fits_the_screen(page), (width, "summary")

    # The calendar: today's coloured cell opens today's check-ins.
    page.goto("/journal/calendar")
    today = page.locator("td[aria-current=date] a.day")
    assert "lowest mood awful (1 of 5), 1 check-in" in today.inner_text()
    today.click()
    page.wait_for_url("**/timeline?from=*")
    assert page.locator("article.entry").count() == 1


def test_the_summary_works_without_javascript(phone, live_server):
    page = phone(320, javascript=False)
    page.goto("/journal/summary")
    page.check("input[name=range][value='7']")
    page.uncheck("input[name=m][value=mood]")
    page.click("button:has-text('Show the summary')")
    page.wait_for_url("**/journal/summary/print?**")
    assert "Left out: mood" in page.content()
    assert page.locator("button.js-print").is_hidden()  # no button that could not work
    assert fits_the_screen(page)
