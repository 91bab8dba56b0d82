"""A check-in saved offline that the server then refuses: shown as not saved, never retried, nothing lost."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_pwa import READ_QUEUE, checkins_of, controlled, wait_until

pytestmark = pytest.mark.browser

# A lone UTF-16 surrogate, which a pasted note can carry: JSON.stringify writes it as the escape \ud800, and
# the server refuses it with 422 (it answered 500 before, which the queue retried every hour, forever).
TYPED = "before the dip {} after"
SET_NOTE = "text => { document.querySelector('#note').value = text.replace('{}', String.fromCharCode(0xD800)); }"


def test_a_refused_offline_check_in_is_shown_as_not_saved_and_can_be_put_back(member_page, browser_context,
                                                                               live_app):
    page, user_id = member_page, member_page.member.user_id
    page.goto("/checkin")
    controlled(page)
    browser_context.set_offline(True)
    page.reload()
    form = page.locator("form.checkin-form")
    form.locator(".scale-option:has(input[name=mood][value='2'])").click()
    form.locator(".scale-option:has(input[name=pain][value='3'])").click()
    page.evaluate(SET_NOTE, TYPED)
    form.locator("button[type=submit]").click()
    page.locator("#pj-sync-status").get_by_text("Saved on this device").first.wait_for()

    browser_context.set_offline(False)  # `online`: the page replays, and the server refuses it
    failed = page.locator(".sync-failed")
    failed.wait_for()
    assert "could not be added to your journal" in failed.inner_text()
    assert "cannot be stored" in failed.inner_text(), "the server's own message is shown"
    assert page.locator(".sync-waiting").count() == 0
    stored = page.evaluate(READ_QUEUE)
    assert [item["state"] for item in stored["items"]] == ["failed"]
    assert checkins_of(live_app, user_id) == 0

    # Never retried: a forced replay (what "Sync now", coming back online and app start do) leaves it alone.
    summary = page.evaluate("() => PJQueue.replay({force: true})")
    assert summary["sent"] == 0 and summary["waiting"] == 0 and len(summary["failed"]) == 1
    page.reload()
    failed.wait_for()
    assert [item["state"] for item in page.evaluate(READ_QUEUE)["items"]] == ["failed"]

    # Nothing typed is lost: it goes back into the form, to be fixed and saved.
    failed.get_by_role("button", name="Put it back in the form").click()
    form.locator(".js-offline-error").get_by_text("back in the form").wait_for()  # read from IndexedDB first
    note = page.input_value("#note")
    assert note.startswith("before the dip ") and note.endswith(" after")
    assert form.locator("input[name=mood][value='2']").is_checked()
    assert form.locator("input[name=pain][value='3']").is_checked()
    page.fill("#note", "before the dip, after")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert checkins_of(live_app, user_id) == 1

    # The refused copy stays listed until the member discards it.
    failed.wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    failed.get_by_role("button", name="Discard").click()
    failed.wait_for(state="detached")
    assert page.evaluate(READ_QUEUE)["items"] == []


def test_the_queue_gives_up_on_server_errors_after_its_tries(browser, live_server, live_app):
    """Server trouble is retried with back-off, but not forever: after the last try the check-in is shown
    as not saved, with "Try again"."""
    # No service worker here, so that Playwright sees (and can answer) the page's own requests.
    context = browser.new_context(base_url=live_server, service_workers="block")
    page, member = sign_in(context, live_app)
    page.goto("/timeline")
    page.route("**/api/v1/checkins", lambda route: route.fulfill(
        status=500, content_type="application/json",
        body='{"error": {"code": "server_error", "message": "Something went wrong.", "fields": {}}}'))
    tries = page.evaluate("""async () => {
      await PJQueue.enqueue({mood: 4, note: "kept"});
      let tries = 0;
      while (tries < PJQueue.maxAttempts + 2) {
        tries += 1;
        const summary = await PJQueue.replay({force: true});
        if (summary.failed.length) return tries;
      }
      return tries;
    }""")
    # The page's own sync (at start, on a timer) may have made one of the tries.
    limit = page.evaluate("PJQueue.maxAttempts")
    assert tries <= limit
    [item] = page.evaluate(READ_QUEUE)["items"]
    record = json.loads(item["record"])
    assert (item["state"], record["error"]["code"], record["attempts"]) == ("failed", "gave_up", limit - 1)
    failed = page.locator(".sync-failed")
    failed.wait_for()
    assert "after several tries" in failed.inner_text()
    assert failed.get_by_role("link", name="Open it in the check-in form").count() == 1

    page.unroute("**/api/v1/checkins")
    failed.get_by_role("button", name="Try again").click()
    failed.wait_for(state="detached")
    wait_until(page, lambda: checkins_of(live_app, member.user_id) == 1, what="the check-in tried again")
    page.locator(".sync-waiting").wait_for(state="detached")
    context.close()
