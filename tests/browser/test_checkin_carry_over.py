"""Last time's symptoms and medications on a phone: shown beside each item, taken only when the member taps
"Same as last time" (all, or one item), and "I took them all as planned" ticks only scheduled medications."""
import re
import uuid

import pytest
from sqlalchemy import select

from journal.accounts import User
from journal.entries import services, tracking
from journal.entries.models import Checkin
from journal.entries.validation import parse_checkin
from journal.extensions import db, utcnow
from journal.keys import key_for
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _yesterday(live_app, user_id):
    """Last time: fatigue moderate (2), nausea none (0), sertraline 75 mg, ibuprofen (as needed) 400 mg."""
    with live_app.test_request_context():
        user = db.session.scalar(select(User).where(User.id == user_id))
        fatigue = tracking.add_item(user, "symptoms", "Fatigue")
        nausea = tracking.add_item(user, "symptoms", "Nausea")
        daily = tracking.add_item(user, "medications", "Sertraline", "50 mg")
        rescue = tracking.add_item(user, "medications", "Ibuprofen", "400 mg", as_needed=True)
        data = parse_checkin({"mood": 2, "symptoms": [{"id": str(fatigue.id), "severity": 2},
                                                      {"id": str(nausea.id), "severity": 0}],
                              "medications": [{"id": str(daily.id), "dose": "75 mg"},
                                              {"id": str(rescue.id), "dose": "400 mg"}]},
                             default_timezone="UTC", now=utcnow())
        services.create_checkin(user, data)
        db.session.commit()
        return {"fatigue": str(fatigue.id), "nausea": str(nausea.id), "daily": str(daily.id),
                "rescue": str(rescue.id)}


def _saved(live_app, page) -> services.CheckinView:
    page.wait_for_url(re.compile(r".*/entries/[0-9a-f-]{36}$"))
    entry_id = page.url.rsplit("/", 1)[-1]
    with live_app.test_request_context():
        checkin = db.session.get(Checkin, uuid.UUID(entry_id))
        user = db.session.get(User, checkin.owner_id)
        return services.view_of(checkin, key_for(user), tracking.load_catalog(user))


@pytest.mark.parametrize("width", [320, 390])
def test_nothing_is_carried_over_unless_the_member_asks(browser, live_server, live_app, width):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    try:
        page, member = sign_in(context, live_app)
        ids = _yesterday(live_app, member.user_id)
        page.goto("/checkin")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate("window.innerWidth") == width
        form = page.locator("form.checkin-form")
        assert form.locator(f"input[name=sev-{ids['fatigue']}]:checked").get_attribute("value") == ""
        assert not form.locator("input[name=med]:checked").count()
        assert "Last time: Moderate (2)" in form.inner_text()

        # Mood and a note only: nothing from last time is saved.
        form.locator("label.scale-option", has_text="Good").first.click()
        page.fill("textarea[name=note]", "Only this.")
        form.locator("button[type=submit]").click()
        view = _saved(live_app, page)
        assert (view.mood, view.symptoms, view.medications) == (4, [], [])

        # "Same as last time" for one symptom, then "as planned": fatigue and the scheduled medication only.
        page.goto("/checkin")
        form = page.locator("form.checkin-form")
        form.locator("label.scale-option", has_text="Okay").first.click()
        page.fill("textarea[name=note]", "Typed before tapping.")
        form.get_by_role("button", name=re.compile("Same as last time for Fatigue")).click()
        form.locator("input[data-as-planned]").check()
        assert form.locator(f"input[name=med][value='{ids['daily']}']").is_checked()
        assert not form.locator(f"input[name=med][value='{ids['rescue']}']").is_checked()
        form.locator("button[type=submit]").click()
        view = _saved(live_app, page)
        assert [(str(s.id), s.severity) for s in view.symptoms] == [(ids["fatigue"], 2)]
        assert [(m, dose) for m, _, dose in view.medications] == [(ids["daily"], "50 mg")]

        # "Same as last time" for everything fills it in place and keeps what was typed.
        page.goto("/checkin")
        form = page.locator("form.checkin-form")
        page.fill("textarea[name=note]", "Still here.")
        page.get_by_role("link", name="Same as last time").click()
        assert page.get_by_role("status").filter(has_text="Filled in from last time").count() == 1
        assert page.input_value("textarea[name=note]") == "Still here."
        form.locator("label.scale-option", has_text="Low").first.click()
        form.locator("button[type=submit]").click()
        view = _saved(live_app, page)
        assert sorted((str(s.id), s.severity) for s in view.symptoms) == sorted([(ids["fatigue"], 2),
                                                                                 (ids["nausea"], 0)])
        # The medications of the latest check-in that recorded any: the one just before, as planned.
        assert [(m, dose) for m, _, dose in view.medications] == [(ids["daily"], "50 mg")]
    finally:
        context.close()
