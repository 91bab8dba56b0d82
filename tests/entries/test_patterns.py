"""Patterns ("what seems to go with better days") and the week in numbers, checked against numbers worked
out by hand in the comments: check-ins go in through the API on days taken from the test's clock, and the
pages are read as the member reads them."""
from __future__ import annotations

import html as htmllib
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal import intervals, patterns
from tests.conftest import add_item, checkin_time, make_checkin

# --- Student's t and Welch's interval, without the app ---------------------------------------------------

# 97.5th (and a few other) percentiles of Student's t, from the standard table.
T_TABLE = [(0.975, 1, 12.7062), (0.975, 2, 4.3027), (0.975, 3, 3.1824), (0.975, 4, 2.7764), (0.975, 5, 2.5706),
           (0.975, 10, 2.2281), (0.975, 20, 2.0860), (0.975, 30, 2.0423), (0.975, 120, 1.9799),
           (0.95, 4, 2.1318), (0.995, 8, 3.3554), (0.9, 15, 1.3406)]


@pytest.mark.parametrize("p, df, expected", T_TABLE)
def test_the_t_quantile_matches_the_table(p, df, expected):
    assert intervals.t_quantile(p, df) == pytest.approx(expected, abs=5e-5)
    assert intervals.t_quantile(1 - p, df) == pytest.approx(-expected, abs=5e-5)


def test_the_t_quantile_between_table_rows_and_far_out():
    # Welch's degrees of freedom are rarely whole: between 4 and 5 the quantile lies between their values.
    assert 2.5706 < intervals.t_quantile(0.975, 4.45) < 2.7764
    assert intervals.t_quantile(0.975, 1e7) == pytest.approx(1.95996, abs=1e-4)  # the normal's 1.96
    assert intervals.t_quantile(0.5, 3) == 0
    for bad in ((0, 3), (1, 3), (0.975, 0)):
        with pytest.raises(ValueError):
            intervals.t_quantile(*bad)


def test_welchs_interval_worked_by_hand():
    # with 4, 5, 4: mean 13/3, variance ((1/3)² + (2/3)² + (1/3)²) / 2 = 1/3
    # without 3, 2, 2: mean 7/3, variance 1/3
    # difference 2; standard error √(1/9 + 1/9) = √2/3 = 0.471405; equal n and variances give df = 2(n−1) = 4
    # t(0.975, 4) = 2.776445, so the half-width is 1.308820: from 0.691180 to 3.308820.
    found = intervals.welch_interval([4, 5, 4], [3, 2, 2])
    assert found.difference == pytest.approx(2)
    assert found.df == pytest.approx(4)
    assert (found.low, found.high) == (pytest.approx(0.691180, abs=1e-5), pytest.approx(3.308820, abs=1e-5))
    # No spread on either side: the interval is the point itself.
    flat = intervals.welch_interval([3, 3, 3], [2, 2, 2])
    assert (flat.difference, flat.low, flat.high) == (1, 1, 1)
    assert intervals.welch_interval([3], [2, 2]) is None


def view(day: date, mood: int, sleep: float | None = None, readable: bool = True):
    from journal.checkins import CheckinView

    at = datetime.combine(day, time(9), tzinfo=UTC)
    return CheckinView(id=uuid.uuid4(), occurred_at=at, timezone="UTC", local=at, local_date=day, readable=readable,
                       measures={"mood": mood, "sleep_hours": sleep} if readable else {})


def test_sleep_bands_meet_at_6_and_8_hours_and_unreadable_check_ins_count_nowhere():
    start = date(2026, 3, 1)
    days = [start + timedelta(days=i) for i in range(8)]
    views = [view(days[0], 1, 5.75), view(days[1], 2, 6), view(days[2], 3, 8), view(days[3], 4, 8.25),
             view(days[4], 5, None), view(days[5], 3, readable=False),
             view(days[6], 2, 7), view(days[6], 4, 5)]  # day 6: mean sleep 6 h, mean mood 3
    found = patterns.find_patterns(views, start, days[-1])
    assert found.days == 6  # the unreadable day is no day at all
    mood = next(t for t in found.same_day if t.outcome.key == "mood")
    counts = {r.factor.key: (r.with_days, r.without_days) for r in mood.rows}
    # Days with sleep: 5.75 (under), 6 (middle), 8 (middle), 8.25 (over), 6 on day 6 (middle); day 4 has none.
    assert counts == {"sleep-short": (1, 4), "sleep-middle": (3, 2), "sleep-long": (1, 4)}


def test_differences_read_plainly():
    mood = patterns.Outcome("mood", "Mood")
    sleep = patterns.Outcome("sleep_hours", "Sleep", "h")
    assert [patterns.signed(x) for x in (0.04, -0.04, 0.66, -1.25)] == ["0.0", "0.0", "+0.7", "\u22121.2"]
    assert patterns.number(6.54, sleep) == "6.5 h" and patterns.number(3.75, mood) == "3.8"
    walk = patterns.Factor("tag-1", "tag", "Walk", lambda day: None)
    wide = patterns.Comparison(walk, mood, 3, 4, 3.0, 2.9, patterns.Interval(0.1, -0.5, 0.7, 5))
    assert patterns.sentence(wide).endswith("likely between \u22120.5 and +0.7 (a range that includes no "
                                            "difference at all).")
    flat = patterns.Comparison(walk, mood, 3, 3, 4.0, 3.0, patterns.Interval(1.0, 1.0, 1.0, 4))
    assert "no spread to judge it by" in patterns.sentence(flat)
    few = patterns.Comparison(walk, mood, 3, 1, 4.0, 3.0, None)
    assert patterns.sentence(few, next_day=True) == ("On the day after days with the tag Walk: too few days to "
                                                     "say (1\u00a0day without).")


# --- The page, from check-ins made through the API -------------------------------------------------------


def page_text(html: str) -> str:
    """The page's main content as words (tags stripped, entities read, spaces squeezed)."""
    main = html[html.index("<main"):html.index("</main>")]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def factors(html: str, caption: str) -> list[str]:
    """The row headings of the table captioned `caption`, in order."""
    table = html[html.index(f">{caption}</caption>"):]
    return re.findall(r'<th scope="row">([^<]+)</th>', table[:table.index("</table>")])


def row(html: str, caption: str, factor: str) -> list[str]:
    """The cells of `factor`'s row in the table captioned `caption`."""
    table = html[html.index(f">{caption}</caption>"):]
    table = table[:table.index("</table>")]
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        if cells[0] == factor:
            return cells[1:]
    raise AssertionError(f"no row {factor!r} in {caption!r}")


@pytest.fixture
def fixture_days(member):
    """Six days in a row, 10 to 5 days ago (UTC member), worked through by hand in the tests below.

    days ago   check-ins (mood; tag; medication; sleep; headache severity)
    10         mood 3, Walk, sleep 5, headache 2  +  mood 5, headache 4   → day: mood 4, sleep 5, headache 3, Walk
     9         mood 3, Ibuprofen, sleep 7, headache 3                     → mood 3, sleep 7
     8         mood 5, Walk, sleep 9, headache 1                          → mood 5, sleep 9, Walk
     7         mood 2, Ibuprofen, sleep 5.5, headache 3                   → mood 2, sleep 5.5
     6         mood 4, Walk, sleep 7.5, headache 1                        → mood 4, sleep 7.5, Walk
     5         mood 2, sleep 6, headache 4                                → mood 2, sleep 6
    """
    walk = add_item(member, "tags", "Walk")
    ibuprofen = add_item(member, "medications", "Ibuprofen", dose="200 mg")
    headache = add_item(member, "symptoms", "Headache")
    taken = [{"id": ibuprofen, "dose": "200 mg"}]

    def checkin(days_ago, mood, hour=9, **fields):
        if "headache" in fields:
            fields["symptoms"] = [{"id": headache, "severity": fields.pop("headache")}]
        make_checkin(member, mood=mood, occurred_at=checkin_time(days_ago, hour), **fields)

    checkin(10, 3, tags=[walk], sleep_hours=5, headache=2)
    checkin(10, 5, hour=20, headache=4)
    checkin(9, 3, medications=taken, sleep_hours=7, headache=3)
    checkin(8, 5, tags=[walk], sleep_hours=9, headache=1)
    checkin(7, 2, medications=taken, sleep_hours=5.5, headache=3)
    checkin(6, 4, tags=[walk], sleep_hours=7.5, headache=1)
    checkin(5, 2, sleep_hours=6, headache=4)
    return member


SAME_MOOD = "Mood on days with and without each"
NEXT_MOOD = "Mood on the day after with and without each"


def test_mood_on_days_with_and_without_a_tag_worked_by_hand(app, fixture_days):
    response = fixture_days.get("/journal/patterns")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert "6 days with check-ins" in text  # seven check-ins, two on one day
    # Walk: days 10, 8, 6 with moods 4 (3 and 5 collapsed), 5, 4; without: days 9, 7, 5 with 3, 2, 2.
    # The worked example above: difference +2.0, from 0.69 to 3.31.
    assert row(html, SAME_MOOD, "the tag Walk") == ["4.3 (3 days) vs 2.3 (3 days)",
                                                    "+2.0, likely between +0.7 and +3.3"]
    assert ("On days with the tag Walk your mood averaged 4.3 (3 days) vs 2.3 without (3 days); "
            "difference +2.0, likely between +0.7 and +3.3.") in text


def test_fewer_than_three_days_on_a_side_is_too_few_to_say(app, fixture_days):
    html = fixture_days.get("/journal/patterns").get_data(as_text=True)
    # Ibuprofen logged on 2 days (9 and 7): one short of three.
    assert row(html, SAME_MOOD, "Ibuprofen logged") == ["2 days with, 4 without", "Too few days to say (2 days with)"]
    # Sleep bands by the day's hours: under 6 on days 10 (5 h) and 7 (5.5 h): 2 days; over 8 only day 8.
    assert row(html, SAME_MOOD, "under 6 hours of sleep")[1] == "Too few days to say (2 days with)"
    assert row(html, SAME_MOOD, "over 8 hours of sleep")[1] == "Too few days to say (1 day with)"
    # 6 to 8 hours (6 h itself belongs to it): days 9, 6, 5, moods 3, 4, 2 → 3.0; without: days 10, 8, 7,
    # moods 4, 5, 2 → 11/3 = 3.7; difference −2/3 → −0.7. Exactly three a side: enough.
    cells = row(html, SAME_MOOD, "6 to 8 hours of sleep")
    assert cells[0] == "3.0 (3 days) vs 3.7 (3 days)" and cells[1].startswith("\u22120.7, likely between \u2212")
    # Sleep is not compared against its own bands on the same day.
    assert factors(html, "Sleep on days with and without each") == ["the tag Walk", "Ibuprofen logged"]
    assert "6 to 8 hours of sleep" in factors(html, "Sleep on the day after with and without each")


def test_a_symptoms_severity_with_and_without(app, fixture_days):
    html = fixture_days.get("/journal/patterns").get_data(as_text=True)
    # Headache by day: 10 → (2 + 4) / 2 = 3; 8 → 1; 6 → 1 (Walk): mean 5/3 = 1.7.
    #                   9 → 3; 7 → 3; 5 → 4 (no Walk): mean 10/3 = 3.3. Difference −5/3 = −1.7.
    cells = row(html, "Headache on days with and without each", "the tag Walk")
    assert cells[0] == "1.7 (3 days) vs 3.3 (3 days)" and cells[1].startswith("\u22121.7, likely between")


def test_the_day_after(app, fixture_days):
    html = fixture_days.get("/journal/patterns").get_data(as_text=True)
    # Pairs (day, next day): 10→9, 9→8, 8→7, 7→6, 6→5 (day 5 is followed by no check-in): 5 pairs.
    # After a Walk day (10, 8, 6) the next days' moods are 3, 2, 2 → 2.3 (3 days);
    # after a day without (9, 7) they are 5, 4 → 2 days: too few to say.
    assert "5 days followed by a checked-in day" in page_text(html)
    assert row(html, NEXT_MOOD, "the tag Walk") == ["3 days with, 2 without", "Too few days to say (2 days without)"]
    # One more day without, the day after day 5 (4 days ago, mood 3): pairs after days without are now
    # 9→8: 5, 7→6: 4, 5→4: 3 → 4.0; after Walk days still 3, 2, 2 → 7/3 = 2.3; difference −5/3 = −1.7.
    # Variances: 1/3 (with) and 1 (without); se² = 1/9 + 1/3 = 4/9; df = (4/9)² / ((1/9)²/2 + (1/3)²/2) = 3.2;
    # t(0.975, 3.2) ≈ 3.09 (between 3.18 at 3 df and 2.78 at 4), half-width ≈ 3.09 × 2/3 ≈ 2.06: −3.7 to +0.4.
    make_checkin(fixture_days, mood=3, occurred_at=checkin_time(4, 9))
    html = fixture_days.get("/journal/patterns").get_data(as_text=True)
    cells = row(html, NEXT_MOOD, "the tag Walk")
    assert cells == ["2.3 (3 days) vs 4.0 (3 days)", "\u22121.7, likely between \u22123.7 and +0.4"]
    assert ("On the day after days with the tag Walk your mood averaged 2.3 (3 days) vs 4.0 after days without "
            "(3 days); "
            "difference \u22121.7, likely between \u22123.7 and +0.4 (a range that includes no difference at all)."
            ) in page_text(html)


def test_results_are_ordered_by_the_size_of_the_difference(app, fixture_days):
    html = fixture_days.get("/journal/patterns").get_data(as_text=True)
    # Walk (|+2.0|) before 6–8 h of sleep (|−0.7|); those with too few days come after, in the factors'
    # order: tags, medications, then sleep from short to long.
    assert factors(html, SAME_MOOD) == ["the tag Walk", "6 to 8 hours of sleep", "Ibuprofen logged",
                                        "under 6 hours of sleep", "over 8 hours of sleep"]


CAUSAL = re.compile(r"\b(caus\w*|improv\w*|helps?|helped|helping|leads? to|led to|because|due to|effects?|"
                    r"triggers?|results? in|makes? you|reduces?|worsens?)\b", re.I)


def test_no_causal_words_on_the_page(app, fixture_days):
    text = page_text(fixture_days.get("/journal/patterns").get_data(as_text=True))
    assert "How to read these numbers" in text and "95%" in text
    assert not CAUSAL.findall(text), CAUSAL.findall(text)


def test_the_period_is_chosen_from_a_few_and_anything_else_is_a_clear_400(app, fixture_days):
    # 30 days reach back to 29 days ago: the fixture (10 to 5 days ago) is inside both 30 and 90.
    make_checkin(fixture_days, mood=1, occurred_at=checkin_time(60, 9))
    assert "7 days with check-ins" in page_text(fixture_days.get("/journal/patterns?days=90").get_data(as_text=True))
    html = fixture_days.get("/journal/patterns?days=30").get_data(as_text=True)
    assert "6 days with check-ins" in page_text(html)
    assert '<a href="/journal/patterns?days=30" aria-current="page">' in html
    for bad in ("7", "abc", "", "-90", "90.0"):
        response = fixture_days.get(f"/journal/patterns?days={bad}")
        assert response.status_code == 400, bad
        assert "Choose the last 30, 90 or 365 days." in response.get_data(as_text=True)


def test_an_empty_journal_says_so(app, member):
    text = page_text(member.get("/journal/patterns").get_data(as_text=True))
    assert "0 days with check-ins" in text and "There are no check-ins in these days yet." in text


def test_days_split_at_the_members_own_midnight(app, members):
    # 23:30 and 00:30 the next night in Auckland are two local days there; in UTC both instants fall on one
    # day (10:30 and 11:30 UTC in summer, 11:30 and 12:30 in winter), so a UTC member sees one day.
    zone = ZoneInfo("Pacific/Auckland")
    day = datetime.now(zone).date() - timedelta(days=3)
    late = datetime.combine(day, time(23, 30), tzinfo=zone).astimezone(UTC)
    early = datetime.combine(day + timedelta(days=1), time(0, 30), tzinfo=zone).astimezone(UTC)
    assert late.date() == early.date()
    for tz, days, pairs in (("Pacific/Auckland", "2 days", "1 day"), ("UTC", "1 day", "0 days")):
        member = members.make(timezone=tz)
        make_checkin(member, mood=2, occurred_at=late.isoformat(), timezone=tz)
        make_checkin(member, mood=4, occurred_at=early.isoformat(), timezone=tz)
        text = page_text(member.get("/journal/patterns").get_data(as_text=True))
        assert f"{days} with check-ins" in text, tz
        assert f"({pairs} followed by a checked-in day)" in text, tz


# --- The week ----------------------------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat()


def test_last_week_in_numbers_worked_by_hand(app, member):
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday() + 7)  # last week's Monday
    fatigue = add_item(member, "symptoms", "Fatigue")
    rest, out = add_item(member, "tags", "Rest day"), add_item(member, "tags", "Out")
    # Last week: moods 2, 4, 3, 5 → mean 3.5, range 2–5; pain 1 and 3 → 2.0; Fatigue 2 and 4 → 3.0, highest 4,
    # on 2 days; Rest day on 2 check-ins, Out on 1; 4 check-ins on 3 days (Monday twice, Wednesday, Sunday).
    make_checkin(member, mood=2, pain=1, tags=[rest], symptoms=[{"id": fatigue, "severity": 2}],
                 occurred_at=at(monday, 10))
    make_checkin(member, mood=4, tags=[rest, out], occurred_at=at(monday, 20))
    make_checkin(member, mood=3, pain=3, sleep_hours=7, symptoms=[{"id": fatigue, "severity": 4}],
                 occurred_at=at(monday + timedelta(days=2), 10))
    make_checkin(member, mood=5, occurred_at=at(monday + timedelta(days=6), 21))
    # The week before: moods 1 and 2 → 1.5, so the change is +2.0; pain 4 → change −2.0. Sunday 23:00 of the
    # week before the week before stays out of both.
    make_checkin(member, mood=1, pain=4, occurred_at=at(monday - timedelta(days=6), 10))
    make_checkin(member, mood=2, occurred_at=at(monday - timedelta(days=4), 10))
    make_checkin(member, mood=5, occurred_at=at(monday - timedelta(days=8), 23))

    response = member.get(f"/journal/week?week={iso_week(monday)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert f"Monday {monday.day} {monday:%B} to Sunday" in text
    assert "4 check-ins on 3 of 7 days" in text
    caption = "Measures this week, and the week before"
    assert row(html, caption, "Mood (1–5)") == ["3.5 (4 values)", "2 – 5", "+2.0 (from 1.5, 2 values)"]
    assert row(html, caption, "Pain (0–4)") == ["2.0 (2 values)", "1 – 3", "\u22122.0 (from 4.0, 1 value)"]
    assert row(html, caption, "Sleep (hours)") == ["7.0 (1 value)", "7 – 7", "nothing recorded the week before"]
    assert "Energy (1–5)" not in text
    assert row(html, "Symptoms logged (0 = none … 4 = very severe)", "Fatigue") == ["3.0 (2 readings)", "4", "2"]
    assert "Rest day: 2 check-ins" in text and "Out: 1 check-in" in text
    # Back a week, forward to this week; this week has nothing after it.
    assert f'href="/journal/week?week={iso_week(monday - timedelta(days=7))}" rel="prev"' in html
    assert f'href="/journal/week?week={iso_week(monday + timedelta(days=7))}" rel="next"' in html
    current = member.get("/journal/week").get_data(as_text=True)
    assert 'rel="next"' not in current and "(this week)" in page_text(current)


@pytest.mark.parametrize("raw, message", [
    ("abc", "Give a week like 2026-W49"),
    ("2026-49", "Give a week like 2026-W49"),
    ("2026-W7", "Give a week like 2026-W49"),
    ("2025-W53", "2025 has no week 53."),
    ("2026-W00", "2026 has no week 0."),
    ("9999-W01", "That week has not started yet."),
    ("1969-W52", "That week is too far in the past."),
    ("0000-W01", "That week is too far in the past."),
    ("\u0662\u0660\u0662\u0666-W01", "Give a week like 2026-W49"),  # digits, but not ASCII ones
])
def test_a_bad_week_is_a_clear_400(app, member, raw, message):
    response = member.get(f"/journal/week?week={raw}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_week_is_the_members_own_monday_to_sunday(app, members):
    # 23:30 on a Sunday in Auckland is still that week there, but Sunday 10:30 or 11:30 UTC: both weeks'
    # boundaries are the member's own. A check-in at 00:30 Monday in Auckland starts their next week.
    zone = ZoneInfo("Pacific/Auckland")
    today = datetime.now(zone).date()
    sunday = today - timedelta(days=today.weekday() + 1)  # the Sunday that ended last week, in Auckland
    late = datetime.combine(sunday, time(23, 30), tzinfo=zone)
    early = datetime.combine(sunday + timedelta(days=1), time(0, 30), tzinfo=zone)
    member = members.make(timezone="Pacific/Auckland")
    make_checkin(member, mood=2, occurred_at=late.isoformat(), timezone="Pacific/Auckland")
    if early < datetime.now(zone):  # on Monday just after midnight the second may still be to come
        make_checkin(member, mood=4, occurred_at=early.isoformat(), timezone="Pacific/Auckland")
    last_week = page_text(member.get(f"/journal/week?week={iso_week(sunday)}").get_data(as_text=True))
    assert "1 check-in on 1 of 7 days" in last_week


# --- Who sees these pages -----------------------------------------------------------------------------------

def pages() -> list[str]:
    """Yesterday's week holds some of the owner's check-ins whatever day today is."""
    return ["/journal/patterns", "/journal/patterns?days=365",
            f"/journal/week?week={iso_week(datetime.now(UTC).date() - timedelta(days=1))}"]
ACCESS = {"owner": 200, "other member": 200, "peer": 200, "clinician": 403, "anonymous": 302}


@pytest.fixture
def people(app, members, new_client):
    from tests.clinicians.conftest import connect as grant
    from tests.clinicians.conftest import make_clinician
    from tests.peers.conftest import accept_guidelines, connect, opt_in

    owner = members.make(display_name="Owner")
    tag = add_item(owner, "tags", "Owner-only tag")
    for days_ago in range(1, 8):
        make_checkin(owner, mood=1 + days_ago % 5, tags=[tag] if days_ago % 2 else [],
                     occurred_at=checkin_time(days_ago, 9), audience={"peers": True, "clinicians": True})
    peer = members.make(display_name="Peer")
    for person in (owner, peer):
        opt_in(person)
        accept_guidelines(person)
    connect(owner, peer)
    clinician = make_clinician(members)
    grant(owner, clinician)
    return {"owner": owner, "other member": members.make(), "peer": peer, "clinician": clinician,
            "anonymous": new_client()}


@pytest.mark.parametrize("role", list(ACCESS))
def test_only_the_member_sees_their_own_patterns_and_week(app, people, role):
    for page in pages():
        response = people[role].get(page)
        assert response.status_code == ACCESS[role], (role, page)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
        assert ("Owner-only tag" in response.get_data(as_text=True)) == (role == "owner"), (role, page)


def test_the_journal_tabs_lead_to_both(app, member):
    for page in ("/timeline", "/journal/charts", "/journal/patterns", "/journal/week"):
        html = member.get(page).get_data(as_text=True)
        tabs = html[html.index('aria-label="My journal"'):]
        tabs = tabs[:tabs.index("</nav>")]
        assert 'href="/journal/week"' in tabs and 'href="/journal/patterns"' in tabs, page
        if page.startswith("/journal/"):
            assert f'<a href="{page}" aria-current="page">' in tabs
