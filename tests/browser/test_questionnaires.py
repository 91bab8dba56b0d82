"""A member completes a WHO-5 on a 390 px phone, twice on two dates, and sees the trend; the PHQ-9 item 9
answer shows crisis lines at once. The earlier response is seeded through the app's own service with an
earlier time (the browser keeps the wall clock)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner == page.viewport_size["width"]


@pytest.fixture
def phone(browser, live_server, live_app):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page, member = sign_in(context, live_app, display_name="Wren")
    page.member = member
    yield page
    context.close()


def seed_earlier_who5(live_app, user_id: int, days_ago: int) -> None:
    """A WHO-5 taken `days_ago` days back: 2+2+2+2+2 = 10 raw -> 40 %, through services.submit."""
    from journal.accounts import User
    from journal.extensions import db, utcnow
    from journal.questionnaires import services

    with live_app.app_context():
        user = db.session.get(User, user_id)
        services.submit(user, "who5", {f"q{n}": "2" for n in range(1, 6)}, utcnow() - timedelta(days=days_ago))
        db.session.commit()


def test_a_member_completes_a_who5_at_390_px_and_sees_the_trend(phone, live_app):
    page = phone
    seed_earlier_who5(live_app, page.member.user_id, 14)
    page.goto("/account")
    page.click("text=Questionnaires >> nth=-1")
    assert page.url.endswith("/questionnaires/")
    assert "Due now." in page.inner_text("#offer-who5") or "Next:" in page.inner_text("#offer-who5")
    assert fits_the_screen(page)
    page.click("#offer-who5 >> text=Take the WHO-5")
    assert page.locator("input[type=radio]:checked").count() == 0  # nothing pre-selected
    assert fits_the_screen(page)
    # Submitting with one question left out keeps the other answers and says which one is missing.
    for n, label in ((1, "All of the time"), (2, "Most of the time"), (3, "More than half of the time"),
                     (4, "Most of the time")):
        page.locator("fieldset", has_text=page.locator(f"#q{n}-legend").inner_text()).get_by_label(
            label, exact=True).check()
    page.click("text=See my result")
    assert "Please choose an answer for question 5." in page.inner_text("#form-errors")
    assert page.locator("input[name=q1][value='5']").is_checked()
    assert page.locator("input[name=q4][value='4']").is_checked()
    page.locator("input[name=q5][value='4']").check()
    page.click("text=See my result")
    # 5+4+3+4+4 = 20 raw -> 80 %; 40 points above the seeded 40 %.
    body = page.inner_text("main")
    assert "80%" in body and "Not low" in body and "This is not a diagnosis" in body
    assert "Last time" in body and "40 points" in body
    assert fits_the_screen(page)
    page.click("text=See my WHO-5 trend")
    assert page.locator("svg#trend-who5").get_attribute("data-points") == "2"
    rows = page.locator("table.trend-table tbody tr")
    assert rows.count() == 2 and "80%" in rows.nth(0).inner_text() and "40%" in rows.nth(1).inner_text()
    assert fits_the_screen(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert fits_the_screen(page)


def test_phq9_item9_shows_crisis_lines_at_once(phone):
    page = phone
    page.goto("/questionnaires/phq9")
    for n in range(1, 9):
        page.locator(f"input[name=q{n}][value='0']").check()
    page.locator("input[name=q9][value='1']").check()
    page.click("text=See my result")
    panel = page.locator("#item9-support")
    assert panel.is_visible() and "not a suicide-risk assessment" in panel.inner_text()
    assert page.locator("#item9-support a[href='tel:988']").count() == 1
    assert fits_the_screen(page)
