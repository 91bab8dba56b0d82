"""Builders for health-link tests: a member's link made through the page."""
from __future__ import annotations

from datetime import date, timedelta

from tests.healthlinks.receiver import link_on_page


def today_of(app) -> date:
    from journal.extensions import utcnow

    return utcnow().date()  # members in these tests live in UTC


def make_link(member, app, *, days_back=6, measures=("mood",), expiry_days=7, passcode="", label="For Dr Lee",
              name="Sam Example", first_day=None, last_day=None) -> str:
    """Make a link through the member's page; return the link shown once."""
    today = today_of(app)
    data = {"first_day": (first_day or today - timedelta(days=days_back)).isoformat(),
            "last_day": (last_day or today).isoformat(), "measures": list(measures),
            "expiry_days": str(expiry_days), "passcode": passcode, "label": label, "name": name}
    return link_on_page(member.post("/sharing/links/", data))
