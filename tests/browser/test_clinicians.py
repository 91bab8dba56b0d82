"""A real browser walks the clinician journey: a member invites, the clinician redeems and reads the
dashboard and charts (and the report fits a printed page), the member sees the access log entry and
revokes, and the clinician's next request is refused."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import sign_in

# Printable width at 96 px per inch inside 12 mm margins: A4 (210 mm) and US Letter (8.5 in).
PRINT_WIDTHS = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((215.9 - 24) / 25.4 * 96)}


@pytest.mark.browser
def test_member_invites_clinician_reads_member_revokes(live_app, live_server, browser, browser_context):
    base = live_server
    member, _ = sign_in(browser_context, live_app, display_name="Sunflower")
    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    phone.set_default_timeout(10_000)
    token = member.get_attribute("meta[name=csrf-token]", "content")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    for mood, hour in ((2, "08:00"), (4, "20:00")):  # two on one day: both must be drawn
        response = member.request.post(f"{base}/api/v1/checkins", headers={"X-CSRFToken": token}, data={
            "mood": mood, "occurred_at": f"{yesterday}T{hour}:00Z",
            "audience": {"clinicians": True}, "note": "Flare after the new dose"})
        assert response.status == 201, response.text()

    member.goto(f"{base}/account")
    member.click("text=Sharing with clinicians >> nth=-1")
    member.click("button:has-text('Create invitation')")
    link = member.input_value("#invite-link")
    assert "/clinician/redeem?code=" in link

    doctor, _ = sign_in(phone, live_app, display_name="Dr Rivera", role="clinician")
    doctor.goto(f"{base}/")  # a clinician's home asks for the profile first
    doctor.fill("input[name=profession]", "Rheumatologist")
    doctor.fill("input[name=organisation]", "City Clinic")
    doctor.click("button[type=submit]")
    doctor.goto(link)
    doctor.click("button:has-text('Accept invitation')")
    doctor.wait_for_selector("h1:has-text('Sunflower')")
    mood_chart = doctor.locator("svg#chart-mood")
    assert mood_chart.get_attribute("data-points") == "2"
    assert mood_chart.locator("circle.pt").count() == 2
    box = mood_chart.bounding_box()
    assert box and 300 < box["width"] <= 390  # readable on a phone: fills the width, no sideways scroll
    assert doctor.evaluate("document.documentElement.scrollWidth") <= 390
    doctor.click("summary:has-text('Data table: Mood')")
    assert doctor.locator("figure:has(#chart-mood) tbody tr").count() == 2
    doctor.click("a:has-text('Printable report')")
    doctor.emulate_media(media="print")
    for paper, width in PRINT_WIDTHS.items():
        doctor.set_viewport_size({"width": width, "height": 1000})
        assert doctor.evaluate("document.documentElement.scrollWidth") <= width, paper
    doctor.emulate_media(media="screen")
    doctor.set_viewport_size({"width": 390, "height": 844})
    patient_url = doctor.url.split("/report")[0]

    member.goto(f"{base}/sharing/clinicians/access-log")
    assert member.locator("text=Dr Rivera viewed your dashboard (2 entries").count() >= 1
    assert member.locator("text=Dr Rivera opened a printable report of 2 entries").count() == 1

    member.goto(f"{base}/sharing/clinicians/")
    with member.expect_navigation():
        member.click("button:has-text('Revoke')")
    assert member.locator("h1").inner_text() == "Revoke access?", "asks first"
    member.click("button:has-text('Revoke access')")
    member.wait_for_selector("text=Access revoked")

    response = doctor.goto(patient_url)
    assert response.status == 410
    assert doctor.locator("h1").inner_text() == "Access ended"
    assert "Access ended by the patient" in doctor.locator("main").inner_text()
    doctor.goto(f"{base}/clinician/")
    assert doctor.locator("text=No patients yet").count() == 1
    phone.close()
