"""A member makes a SMART Health Link on a 320 px phone with JavaScript off: the form is a plain POST, the
once-shown page fits and passes axe, its QR code is big enough to scan; a receiving app opens the link over
real HTTP with the passcode and decrypts the Bundle; then the member revokes it (asked first) and it stops."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from fhir.resources.R4B.bundle import Bundle

from tests.browser.conftest import sign_in
from tests.healthlinks.receiver import decrypt, payload_of


@pytest.mark.browser
def test_a_health_link_made_revoked_on_a_phone_without_javascript(live_app, live_server, browser):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 740},
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    page, _ = sign_in(context, live_app, display_name="Sunflower")
    token = page.get_attribute("meta[name=csrf-token]", "content")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    for body in ({"mood": 2, "pain": 3, "occurred_at": f"{yesterday}T09:00:00Z", "note": "private"},
                 {"mood": 4, "occurred_at": f"{yesterday}T20:00:00Z"}):
        assert page.request.post("/api/v1/checkins", headers={"X-CSRFToken": token}, data=body).status == 201

    page.goto("/account")
    page.click("a.button:has-text('Health links')")
    page.check("input[name=measures][value=mood]")
    page.fill("#hl-passcode", "heron-at-dawn")
    page.fill("#hl-label", "For Dr Lee")
    with page.expect_navigation():
        page.click("button:has-text('Make the link')")
    assert page.locator("h1").inner_text() == "Your health link"
    link = page.input_value("#hl-link")
    # The page answered a POST, so it cannot be opened again: measure a copy of it where scripts may run
    # (Playwright's evaluate, which the width check and axe need, never returns with JavaScript off).
    _fits_and_passes_axe(browser, live_server, page.content())

    payload = payload_of(link)
    manifest = page.request.post(urlsplit(payload["url"]).path,
                                 data={"recipient": "Dr Lee", "passcode": "heron-at-dawn"})
    assert manifest.status == 200, manifest.text()
    _, plaintext = decrypt(manifest.json()["files"][0]["embedded"], payload["key"])
    bundle = Bundle.model_validate_json(plaintext)
    assert sorted(e.resource.valueInteger for e in bundle.entry if e.resource.__resource_type__ == "Observation") \
        == [2, 4]

    page.goto("/sharing/links/")
    assert "Opened 1 time" in page.inner_text("#links")
    with page.expect_navigation():
        page.click("#links button:has-text('Revoke')")
    assert page.locator("h1").inner_text() == "Revoke this link?"
    with page.expect_navigation():
        page.click("button:has-text('Revoke link')")
    assert "revoked" in page.inner_text("#links")
    again = page.request.post(urlsplit(payload["url"]).path, data={"recipient": "Dr Lee", "passcode": "heron-at-dawn"})
    assert again.status == 404
    context.close()


AXE = Axe()


def _fits_and_passes_axe(browser, live_server, html: str) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 740})
    context.set_default_timeout(10_000)
    copy = context.new_page()
    copy.goto("/privacy")  # same origin: the copy's stylesheets load as the page's did
    copy.set_content(html, wait_until="load")
    assert copy.evaluate("document.documentElement.scrollWidth") <= 320
    qr = copy.locator(".qr svg").bounding_box()
    assert qr and 200 <= qr["width"] <= 320 and abs(qr["width"] - qr["height"]) < 1
    violations = AXE.run(copy).response["violations"]
    assert violations == [], [v["id"] for v in violations]
    context.close()
