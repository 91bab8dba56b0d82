"""Check-ins stay on the member's local day across time zones and DST changes."""
from datetime import UTC, date, datetime, time

import pytest

from journal import timekeeping
from tests.conftest import make_checkin


@pytest.mark.parametrize("zone, day, at, expected_utc", [
    ("America/New_York", date(2026, 3, 8), time(1, 30), datetime(2026, 3, 8, 6, 30, tzinfo=UTC)),   # EST
    ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),   # skipped
    ("America/New_York", date(2026, 3, 8), time(3, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),   # EDT
    ("America/New_York", date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # first
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # first
    ("Europe/Berlin", date(2026, 10, 25), time(23, 59), datetime(2026, 10, 25, 22, 59, tzinfo=UTC)),
    ("Pacific/Auckland", date(2026, 1, 1), time(0, 5), datetime(2025, 12, 31, 11, 5, tzinfo=UTC)),
])
def test_local_to_utc(zone, day, at, expected_utc):
    assert timekeeping.local_to_utc(day, at, zone) == expected_utc


def test_dst_days_have_23_and_25_hours():
    start, end = timekeeping.day_bounds(date(2026, 3, 8), "America/New_York")
    assert (end - start).total_seconds() == 23 * 3600
    start, end = timekeeping.day_bounds(date(2026, 10, 25), "Europe/Berlin")
    assert (end - start).total_seconds() == 25 * 3600


def test_unknown_zone_is_refused():
    with pytest.raises(ValueError):
        timekeeping.zone("Nowhere/Special")


@pytest.mark.parametrize("occurred_at, zone, local_date, local_time", [
    ("2026-03-08T04:59:00Z", "America/New_York", "2026-03-07", "23:59"),
    ("2026-03-08T05:00:00Z", "America/New_York", "2026-03-08", "00:00"),
    ("2026-11-01T03:59:00Z", "America/New_York", "2026-10-31", "23:59"),
    ("2026-11-01T05:30:00Z", "America/New_York", "2026-11-01", "01:30"),
    ("2026-11-01T06:30:00Z", "America/New_York", "2026-11-01", "01:30"),  # the repeated hour, second time
    ("2026-10-25T22:30:00Z", "Europe/Berlin", "2026-10-25", "23:30"),
    ("2026-10-25T23:30:00Z", "Europe/Berlin", "2026-10-26", "00:30"),
    ("2026-06-30T23:30:00Z", "Asia/Tokyo", "2026-07-01", "08:30"),
])
def test_entries_land_on_the_local_day_they_were_made(member, occurred_at, zone, local_date, local_time):
    entry = make_checkin(member, occurred_at=occurred_at, timezone=zone)
    assert (entry["local_date"], entry["local_time"]) == (local_date, local_time)
    assert entry["occurred_at"] == occurred_at
    day_filter = member.api("GET", f"/api/v1/checkins?from={local_date}&to={local_date}").get_json()["items"]
    assert [e["id"] for e in day_filter] == [entry["id"]]


def test_entries_keep_their_day_when_the_member_moves_zone(member):
    entry = make_checkin(member, occurred_at="2026-05-10T22:30:00Z", timezone="Europe/Berlin")
    member.post("/account/timezone", {"tz-timezone": "America/Los_Angeles"})
    again = member.api("GET", f"/api/v1/checkins/{entry['id']}").get_json()
    assert again["local_date"] == "2026-05-11" and again["timezone"] == "Europe/Berlin"
    assert "Monday 11 May 2026" in member.get("/timeline").get_data(as_text=True)
