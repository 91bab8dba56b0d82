"""The reminder rules as pure functions: slots across time zones and DST changes, quiet hours, pauses,
back-off, and wording that varies and never shames."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from journal.push import nudges
from journal.push.nudges import Backoff, Schedule
from tests.push.conftest import at

EVERY_DAY = frozenset(range(7))


def schedule(tz="UTC", times=("20:00",), days=EVERY_DAY, **extra) -> Schedule:
    return Schedule(times=tuple(nudges.parse_time(t) for t in times), days=days, timezone=tz, **extra)


def slots_on(s: Schedule, day: str) -> list[tuple[str, str]]:
    """(slot key, UTC instant) for every slot whose local day is `day`, looking across 3 UTC days."""
    start = at(f"{day}T00:00") - timedelta(days=1)
    found = nudges.slots_between(s, start, start + timedelta(days=3))
    return [(slot.key, slot.due_at.strftime("%H:%M")) for slot in found if slot.local_date.isoformat() == day]


@pytest.mark.parametrize("tz, day, times, expected", [
    # Spring forward in New York at 02:00 -> 03:00: 02:30 does not exist and fires when the clock jumps past it
    # (03:30 EDT); 08:00 is now UTC-4.
    ("America/New_York", "2026-03-07", ("02:30", "08:00"), [("2026-03-07T02:30", "07:30"),
                                                             ("2026-03-07T08:00", "13:00")]),
    ("America/New_York", "2026-03-08", ("02:30", "08:00"), [("2026-03-08T02:30", "07:30"),
                                                             ("2026-03-08T08:00", "12:00")]),
    # Fall back in New York at 02:00 EDT -> 01:00 EST: 01:30 happens twice and fires once, the first time.
    ("America/New_York", "2026-11-01", ("01:30", "20:00"), [("2026-11-01T01:30", "05:30"),
                                                             ("2026-11-01T20:00", "01:00")]),
    ("America/New_York", "2026-10-31", ("01:30", "20:00"), [("2026-10-31T01:30", "05:30"),
                                                             ("2026-10-31T20:00", "00:00")]),
    # Fall back in Berlin at 03:00 CEST -> 02:00 CET: 02:30 happens twice; 20:00 moves from 18:00 to 19:00 UTC.
    ("Europe/Berlin", "2026-10-25", ("02:30", "20:00"), [("2026-10-25T02:30", "00:30"),
                                                          ("2026-10-25T20:00", "19:00")]),
    ("Europe/Berlin", "2026-10-24", ("02:30", "20:00"), [("2026-10-24T02:30", "00:30"),
                                                          ("2026-10-24T20:00", "18:00")]),
])
def test_each_slot_fires_once_per_local_day_across_dst(tz, day, times, expected):
    assert slots_on(schedule(tz, times), day) == expected


def test_the_repeated_autumn_hour_does_not_make_a_second_slot():
    s = schedule("America/New_York", ("01:30",))
    first = nudges.due_slots(s, at("2026-11-01T05:31"))  # 01:31 EDT
    second = nudges.due_slots(s, at("2026-11-01T06:31"))  # 01:31 EST, the hour again
    assert [x.key for x in first] == ["2026-11-01T01:30"]
    assert [x.key for x in second] == ["2026-11-01T01:30"]  # the same slot: the UNIQUE constraint holds it once
    assert nudges.next_due_after(s, at("2026-11-01T05:30")) == at("2026-11-02T06:30")  # 01:30 EST next day


def test_next_due_after_respects_days_of_week_and_dst():
    weekdays = frozenset(range(5))
    s = schedule("America/New_York", ("08:00",), days=weekdays)
    # Friday 6 March 2026 08:00 EST has passed; the next weekday is Monday 9 March, after the change (EDT).
    assert nudges.next_due_after(s, at("2026-03-06T13:00")) == at("2026-03-09T12:00")
    assert nudges.next_due_after(schedule(times=()), at("2026-03-06T13:00")) is None
    assert nudges.next_due_after(schedule(days=frozenset()), at("2026-03-06T13:00")) is None


def test_due_slots_drop_what_is_older_than_the_grace_period():
    s = schedule("Europe/Berlin", ("08:00", "20:00"))
    assert [x.key for x in nudges.due_slots(s, at("2026-06-01T06:30"))] == ["2026-06-01T08:00"]
    assert nudges.due_slots(s, at("2026-06-01T09:00")) == []  # 3 hours late: not sent stale
    assert nudges.due_slots(s, at("2026-06-01T05:59")) == []


@pytest.mark.parametrize("quiet, instant, inside, ends", [
    (("22:00", "07:00"), "2026-06-01T23:30", True, "2026-06-02T07:00"),
    (("22:00", "07:00"), "2026-06-02T06:59", True, "2026-06-02T07:00"),
    (("22:00", "07:00"), "2026-06-02T07:00", False, "2026-06-02T07:00"),
    (("22:00", "07:00"), "2026-06-01T21:59", False, "2026-06-01T21:59"),
    (("13:00", "15:00"), "2026-06-01T14:00", True, "2026-06-01T15:00"),
    (("13:00", "15:00"), "2026-06-01T15:30", False, "2026-06-01T15:30"),
])
def test_quiet_hours(quiet, instant, inside, ends):
    s = schedule(quiet_start=nudges.parse_time(quiet[0]), quiet_end=nudges.parse_time(quiet[1]))
    assert nudges.in_quiet_hours(s, at(instant)) is inside
    assert nudges.quiet_hours_end(s, at(instant)) == at(ends)


def test_quiet_hours_are_local_and_follow_dst():
    s = schedule("Europe/Berlin", quiet_start=time(22, 0), quiet_end=time(7, 0))
    # 23:30 UTC on 24 Oct is 01:30 CEST; quiet hours end at 07:00 CET on the 25th = 06:00 UTC.
    assert nudges.quiet_hours_end(s, at("2026-10-24T23:30")) == at("2026-10-25T06:00")


def test_pause_lasts_until_local_midnight_n_days_ahead():
    s = schedule("America/New_York")
    # Saturday 7 March 2026, 15:00 EST: a 2-day pause ends at midnight starting Monday 9 March (EDT).
    assert nudges.pause_until(s, at("2026-03-07T20:00"), 2) == at("2026-03-09T04:00")
    assert nudges.pause_until(s, at("2026-03-07T20:00"), 1) == at("2026-03-08T05:00")


def _decide(s, backoff, when, **kw):
    [slot] = [x for x in nudges.due_slots(s, at(when))]
    kw.setdefault("checked_in_that_day", False)
    kw.setdefault("last_checkin_at", None)
    return nudges.decide(s, backoff, slot, **kw)


def test_skip_rules_in_order():
    s = schedule(paused_until=at("2026-06-03T00:00"), quiet_start=time(19, 0), quiet_end=time(21, 0))
    assert _decide(s, Backoff(), "2026-06-01T20:00").reason == "paused"
    s = schedule(quiet_start=time(19, 0), quiet_end=time(21, 0))
    assert _decide(s, Backoff(), "2026-06-01T20:00").reason == "quiet_hours"
    assert _decide(schedule(), Backoff(), "2026-06-01T20:00", checked_in_that_day=True).reason == "checked_in"
    assert _decide(schedule(skip_if_checked_in=False), Backoff(), "2026-06-01T20:00",
                   checked_in_that_day=True).send


def test_three_unanswered_nudges_mean_every_other_day_until_the_next_checkin():
    s = schedule("Europe/Berlin", ("20:00",))
    backoff, sent = Backoff(), []
    for day in range(1, 10):
        decision = _decide(s, backoff, f"2026-06-{day:02d}T18:00")
        backoff = decision.backoff
        sent.append(decision.send)
        if day == 3:
            assert backoff.ignored_in_a_row == 3 and not backoff.every_other_day
        if day == 4:
            assert decision.reason == "backoff" and backoff.every_other_day
            assert nudges.backoff_message(backoff).startswith("We're reminding you every other day")
    # Days 1-3 sent and unanswered; then every other day counted from day 3.
    assert sent == [True, True, True, False, True, False, True, False, True]

    # A check-in (after the last nudge) brings reminders back to normal at once.
    checkin = at("2026-06-09T19:00")
    assert nudges.refresh(backoff, checkin, s.timezone) == Backoff()
    decision = _decide(s, backoff, "2026-06-10T18:00", last_checkin_at=checkin)
    assert decision.send and decision.backoff.ignored_in_a_row == 1 and not decision.backoff.every_other_day
    assert nudges.backoff_message(decision.backoff) is None


def test_backoff_counts_nudges_across_the_times_of_one_day_and_sends_one_a_day_after():
    s = schedule("UTC", ("08:00", "13:00", "20:00"))
    backoff, log = Backoff(), []
    for day in (1, 2, 3, 4):
        for hour in ("08:00", "13:00", "20:00"):
            decision = _decide(s, backoff, f"2026-06-{day:02d}T{hour}")
            backoff = decision.backoff
            log.append((day, hour, decision.send))
    sent = [(d, h) for d, h, ok in log if ok]
    # Three unanswered on day 1; day 2 is off; day 3 gets one (the first); day 4 is off.
    assert sent == [(1, "08:00"), (1, "13:00"), (1, "20:00"), (3, "08:00")]


BANNED = re.compile(r"miss|streak|forg[eo]t|fail|should|didn|haven|again\b|\d", re.IGNORECASE)


def test_wording_varies_and_never_counts_or_scolds():
    seen = []
    for offset in range(28):
        day = date(2026, 3, 1) + timedelta(days=offset)
        for position in range(3):
            seen.append(nudges.wording(day, position))
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False)), "consecutive reminders differ"
    daily = [nudges.wording(date(2026, 3, 1) + timedelta(days=d), 0) for d in range(8)]
    assert len(set(daily)) == 8, "one reminder a day rotates through every message"
    for title, body in [*nudges.NUDGES, nudges.SNOOZED]:
        assert not BANNED.search(title + " " + body), (title, body)
        assert len(title) <= 40 and len(body) <= 120
