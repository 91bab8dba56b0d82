"""Milestone test helpers: make a counter through the form, open it, and the member's local day."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.peers.conftest import peers  # noqa: F401  (the fixture: two connected members, author and peer)


def local_today(tz: str = "UTC") -> date:
    """The member's day now, read from the test's clock (call it inside the test)."""
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).date()


def new_counter(client, label: str = "sober", *, days_ago: int = 0, tz: str = "UTC", start: date | None = None) -> str:
    """A counter made through the form; returns its id."""
    start = start or local_today(tz) - timedelta(days=days_ago)
    response = client.post("/milestones/new", {"label": label, "start": start.isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    return re.search(r"/milestones/([0-9a-f-]{36})$", response.headers["Location"]).group(1)


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())
