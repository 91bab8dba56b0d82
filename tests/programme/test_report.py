"""The report's definitions (journal/programme/report.py) on hand-built members: pure, no app."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from journal.intervals import mean_interval, wilson_interval
from journal.programme.report import Member, build


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _member(i, now, *, registered_days, last_days=None, recent=0) -> Member:
    return Member(id=i, registered_at=now - timedelta(days=registered_days),
                  last_checkin_at=None if last_days is None else now - timedelta(days=last_days),
                  checkins_in_rate_window=recent)


def _figure(report, label_start, section_start=""):
    matches = [f for f in report.figures if f.label.startswith(label_start) and f.section.startswith(section_start)]
    assert len(matches) == 1, [f.label for f in report.figures]
    return matches[0]


def _world(now):
    """43 members in four groups of 10 or more, so that every cell is shown."""
    members, i = [], 0
    for count, registered, last, recent in ((12, 100, 1, 8), (11, 100, 100, 0), (10, 60, 2, 4), (10, 5, 5, 1)):
        for _ in range(count):
            i += 1
            members.append(_member(i, now, registered_days=registered, last_days=last, recent=recent))
    return members


def test_every_definition_on_a_world_where_nothing_is_small():
    now = _now()
    report = build(_world(now), now, connected=None, outcomes=None)
    assert report.suppressed == frozenset()
    assert _figure(report, "Members counted").n == 43
    active = _figure(report, "Active")
    assert (active.count, active.n) == (32, 43)
    assert (active.estimate, active.low, active.high) == wilson_interval(32, 43)
    rate = _figure(report, "Check-ins per member")
    # 8 check-ins over 8 weeks = 1/week; 4 over 8 weeks = 0.5; 1 check-in by a member registered 5 days ago
    # counts over one week (the least), not 5/7 of one.
    rates = [1.0] * 12 + [0.0] * 11 + [0.5] * 10 + [1.0] * 10
    assert (rate.estimate, rate.low, rate.high) == pytest.approx(mean_interval(rates))
    r30, r90 = _figure(report, "Retained at 30"), _figure(report, "Retained at 90")
    assert (r30.count, r30.n) == (22, 33) and (r90.count, r90.n) == (12, 23)
    assert r30.estimate == pytest.approx(22 / 33)
    assert not report.questionnaires and not report.peers_split
    assert not [f for f in report.figures if f.section.startswith("Change")]


def test_boundaries_of_active_rate_and_retention():
    now = _now()
    on_the_day = [_member(i, now, registered_days=30, last_days=0, recent=1) for i in range(10)]
    a_day_short = [_member(100 + i, now, registered_days=31, last_days=2, recent=1) for i in range(10)]
    lapsed = [_member(200 + i, now, registered_days=40, last_days=28, recent=2) for i in range(10)]
    report = build(on_the_day + a_day_short + lapsed, now, connected=None, outcomes=None)
    # Checked in exactly 28 days ago counts as active: all 30.
    assert report.cells["active"] == 30
    # Registered 30 days ago and checked in now (day 30): retained. Registered 31 days ago, last check-in on
    # day 29: not. Registered 40 days ago, last on day 12: not.
    assert report.cells["eligible30"] == 30 and report.cells["retained30"] == 10
    # Registered within the 8 weeks: check-ins over the weeks since registering (30 days: 30/7 weeks).
    rates = [1 / (30 / 7)] * 10 + [1 / (31 / 7)] * 10 + [2 / (40 / 7)] * 10
    assert _figure(report, "Check-ins per member").estimate == pytest.approx(sum(rates) / 30)


def test_small_groups_are_taken_out_of_the_figures_not_just_hidden():
    now = _now()
    members = [_member(i, now, registered_days=100, last_days=1, recent=8) for i in range(12)]
    members += [_member(100 + i, now, registered_days=100, last_days=100) for i in range(8)]
    report = build(members, now, connected=None, outcomes=None)
    active = _figure(report, "Active")
    # 8 inactive: active (12) would give them away.
    assert not active.shown and active.count is None and active.estimate is None and active.n == 20
    r30 = _figure(report, "Retained at 30")
    # Nobody registered in the last 30 days: "registered 30 days ago" = all 20 would say so (a zero cell).
    assert not r30.shown and not r30.n_shown and r30.n == 0
    assert _figure(report, "Members counted").n == 20 and _figure(report, "Check-ins per member").shown


def _outcomes(pairs):
    return {"WHO-5": pairs, "UCLA-3": {}, "MSPSS": None}


def test_questionnaire_changes_split_by_peer_connection():
    now = _now()
    members = _world(now)
    pairs = {m.id: (10.0, 10.0 + (m.id % 3)) for m in members[:30]}
    connected = frozenset(m.id for m in members[:15]) | {9999}  # an id not counted is ignored
    report = build(members, now, connected=connected, outcomes=_outcomes(pairs | {9999: (1.0, 25.0)}))
    every = _figure(report, "Mean change, all", "Change over 8 weeks: WHO-5")
    with_ = _figure(report, "Mean change, with at", "Change over 8 weeks: WHO-5")
    without = _figure(report, "Mean change, without", "Change over 8 weeks: WHO-5")
    assert (every.n, with_.n, without.n) == (30, 15, 15)
    assert (with_.estimate, with_.low, with_.high) == pytest.approx(
        mean_interval([m.id % 3 for m in members[:15]]))
    assert every.shown and with_.shown and without.shown
    # No pairs for UCLA-3: its cells are zero, suppressed. Nobody answered for MSPSS: left out.
    assert not _figure(report, "Mean change, all", "Change over 8 weeks: UCLA-3").shown
    assert report.unanswered == ("MSPSS",) and not [f for f in report.figures if "MSPSS" in f.section]
    # 18 with a connection and 12 without: both shown; 22 and 8: both hidden, the total stays.
    connected = frozenset(m.id for m in members[:22])
    report = build(members, now, connected=connected, outcomes=_outcomes(pairs))
    assert _figure(report, "Mean change, all", "Change over 8 weeks: WHO-5").shown
    assert not _figure(report, "Mean change, with at", "Change over 8 weeks: WHO-5").shown
    assert not _figure(report, "Mean change, without", "Change over 8 weeks: WHO-5").shown


def test_without_peers_the_split_is_left_out():
    now = _now()
    members = _world(now)
    report = build(members, now, connected=None, outcomes=_outcomes({m.id: (5.0, 7.0) for m in members[:20]}))
    labels = [f.label for f in report.figures if f.section.startswith("Change over 8 weeks: WHO-5")]
    assert labels == ["Mean change, all members with both responses"]
    assert report.questionnaires and not report.peers_split


def test_a_mean_of_equal_values_is_suppressed():
    """Twelve members who each checked in once in 8 weeks: a mean of 0.125 with a zero-width interval would tell
    every member's own count."""
    now = _now()
    members = [_member(i, now, registered_days=100, last_days=1, recent=1) for i in range(12)]
    report = build(members, now, connected=None,
                   outcomes={"WHO-5": {i: (10.0, 12.0) for i in range(12)}, "UCLA-3": None, "MSPSS": None})
    rate = _figure(report, "Check-ins per member")
    assert not rate.shown and rate.estimate is None and rate.n == 12
    assert not _figure(report, "Mean change, all").shown
    members[0] = _member(0, now, registered_days=100, last_days=1, recent=2)
    assert _figure(build(members, now, connected=None, outcomes=None), "Check-ins per member").shown
