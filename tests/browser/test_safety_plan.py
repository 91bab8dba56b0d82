"""The safety plan on a phone: written at 390 px without sideways scrolling, then opened with no connection
(the service worker keeps the member's own plan page, and only it); logging out removes that copy."""
import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_pwa import controlled

pytestmark = pytest.mark.browser

WORDS = "walk to the river with Juno"
# The kept copy as the page's own script reads it (decrypted), and as it lies in IndexedDB (sealed).
OWN_COPY = "() => PJQueue.keptPage('/safety-plan').then(kept => kept && kept.html)"
STORED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("pj-offline");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("meta")) { db.close(); resolve(null); return; }
    const get = db.transaction("meta").objectStore("meta").get("page:/safety-plan");
    get.onsuccess = () => {
      const record = get.result;
      db.close();
      resolve(record ? JSON.stringify(record) + new TextDecoder().decode(record.data) : null);
    };
  };
})"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def opened_offline(page, path):
    """Open a page with no connection: whatever answers (the offline page, or nothing at all once logging out
    removed the service worker too) must not show the plan."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.goto(path)
    except PlaywrightError as exc:
        assert "ERR_INTERNET_DISCONNECTED" in str(exc)
        return
    assert WORDS not in page.content()


def fits(page, width=390):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} scrolls sideways"


def test_a_plan_written_on_a_phone_opens_offline_and_is_gone_after_logging_out(phone, live_app):
    page, _member = sign_in(phone, live_app)
    controlled(page)
    page.goto("/help")
    with page.expect_navigation(url="**/safety-plan"):
        page.get_by_role("link", name="Open my safety plan").tap()
    fits(page)
    with page.expect_navigation(url="**/safety-plan/edit"):
        page.get_by_role("link", name="Write my safety plan").tap()
    fits(page)
    page.fill("#warning_signs", "not sleeping\nthinking I'm a burden")
    page.fill("#coping", WORDS)
    page.fill("#helpers-0-name", "Alex (sister)")
    page.fill("#helpers-0-phone", "+44 7700 900123")
    page.fill("#reasons", "Juno, my dog")
    with page.expect_navigation(url="**/safety-plan"):
        page.get_by_role("button", name="Save my plan").tap()
    assert WORDS in page.locator("main").inner_text()
    fits(page)
    page.wait_for_function(OWN_COPY)
    assert WORDS in page.evaluate(OWN_COPY)
    stored = page.evaluate(STORED)
    assert stored and WORDS not in stored and "Alex" not in stored, "the kept copy is sealed on the device"

    page.goto("/timeline")  # somewhere else, then the connection goes
    phone.set_offline(True)
    # A crisis note written offline: the banner's "Open my safety plan" opens the kept plan, one tap.
    page.goto("/checkin")
    form = page.locator("form.checkin-form")
    form.locator(".scale-option:has(input[name=mood][value='1'])").tap()
    page.fill("#note", "I can't go on anymore")
    form.locator("button[type=submit]").tap()
    link = page.locator("main .crisis-banner").get_by_role("link", name="Open my safety plan")
    link.wait_for()
    with page.expect_navigation(url="**/safety-plan"):
        link.tap()
    main = page.locator("main").inner_text()
    assert WORDS in main and "Alex (sister)" in main and "Crisis lines" in main
    assert page.get_by_role("link", name="Call +44 7700 900123").is_visible()
    page.goto("/timeline")  # any other private page: the offline page, never a copy
    assert WORDS not in page.locator("main").inner_text()
    page.get_by_role("link", name="Open my safety plan").wait_for()  # its crisis lines lead to the plan too
    phone.set_offline(False)

    page.goto("/account")
    page.once("dialog", lambda dialog: dialog.accept())  # if the offline check-in has not synced yet
    with page.expect_navigation(url="**/login"):
        page.locator("form[action='/logout'] button").tap()
    assert page.evaluate(OWN_COPY) is None and page.evaluate(STORED) is None
    phone.set_offline(True)
    opened_offline(page, "/safety-plan")
    phone.set_offline(False)
    page.goto("/offline")  # the public offline page no longer offers a plan this device does not keep
    assert not page.get_by_role("link", name="Open my safety plan").is_visible()


def test_another_account_on_the_same_device_never_sees_the_copy(browser_context, live_app):
    page, _ = sign_in(browser_context, live_app)
    controlled(page)
    page.goto("/safety-plan/edit")
    page.fill("#coping", WORDS)
    with page.expect_navigation(url="**/safety-plan"):
        page.get_by_role("button", name="Save my plan").click()
    page.wait_for_function(OWN_COPY)
    # The session ends without logging out on this device (e.g. "sign out everywhere" elsewhere): the next
    # page from the server shows nobody signed in, and the copy goes.
    browser_context.clear_cookies()
    page.goto("/login")
    page.wait_for_function(f"() => ({OWN_COPY})().then(html => html === null)")
    browser_context.set_offline(True)
    opened_offline(page, "/safety-plan")
    browser_context.set_offline(False)
