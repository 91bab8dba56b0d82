"""Peer support (issue 4) in a real browser: two members opt in, see each other suggested with the reason,
connect, one shares a check-in, the other replies, and the author sees the notification in the app."""
import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def set_up_profile(page):
    page.goto("/peers/")
    page.click("text=Set up my peer profile")
    page.check("input[name=enabled]")
    page.check("#cond-lupus")
    page.check("#topic-fatigue")
    page.check("#topic-work")
    assert page.is_checked("#lang-en")  # English is offered first
    with page.expect_navigation():
        page.click("text=Save my peer profile")
    assert page.url.endswith("/peers/suggestions")


def test_two_members_connect_share_reply_and_see_the_notification(browser, browser_context, live_app, live_server):
    ann, _ = sign_in(browser_context, live_app, display_name="Ann Author")
    other_context = browser.new_context(base_url=live_server)
    other_context.set_default_timeout(10_000)
    try:
        bea, _ = sign_in(other_context, live_app, display_name="Bea Peer")
        set_up_profile(ann)
        set_up_profile(bea)

        # Each sees the other suggested, with the reason.
        bea.goto("/peers/suggestions")
        card = bea.locator("article.suggestion", has_text="Ann Author")
        assert "You both live with lupus; you both chose fatigue and work & illness" in card.inner_text()
        with bea.expect_navigation():
            card.locator("text=Ask to connect").click()
        ann.goto("/peers/connections")
        assert "Waiting for you" in ann.content()
        with ann.expect_navigation():
            ann.locator("ul.people li", has_text="Bea Peer").locator("text=Accept").click()
        assert "You are connected" in ann.content()

        # Ann checks in and shares it with her peers.
        ann.goto("/checkin")
        ann.locator("fieldset.scale", has_text="Mood").locator("label.scale-option").nth(1).click()
        ann.fill("textarea[name=note]", "Flare day, resting a lot.")
        ann.check("input[name=share_peers]")
        with ann.expect_navigation():
            ann.click("text=Save check-in")

        # Bea sees it in her Peers feed and replies (accepting the guidelines the first time).
        bea.goto("/peers/")
        assert "Flare day, resting a lot." in bea.content()
        with bea.expect_navigation():
            bea.locator(".peer-entry", has_text="Ann Author").locator("a.more").click()
        assert "How to respond well" in bea.content()
        bea.check("input[name=accept_guidelines]")
        bea.fill("textarea[name=body]", "Sending rest vibes. Flares pass.")
        with bea.expect_navigation():
            bea.click("text=Send reply")
        assert "Sending rest vibes. Flares pass." in bea.content()

        # Ann sees the unread count on the Peers pages and the notification in the list.
        ann.goto("/peers/")
        badge = ann.locator(".peer-tabs a", has_text="Notifications").locator(".badge")
        assert int(badge.inner_text()) >= 1
        ann.click(".peer-tabs >> text=Notifications")
        item = ann.locator(".notifications li", has_text="Bea Peer replied to your check-in")
        assert "New" in item.inner_text()
        with ann.expect_navigation():
            item.locator("a").click()
        assert "Sending rest vibes. Flares pass." in ann.content()
    finally:
        other_context.close()
