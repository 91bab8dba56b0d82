"""The member's month calendar: a colour and words per day's lowest mood on the member's own local days,
links to that day's check-ins, months back and forth but never past this one, and nobody else's
journal on any of the history pages (calendar, charts, summary)."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from journal.accounts import User
from journal.entries import history
from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import add_item, checkin_time, make_checkin

CELL = re.compile(r"<td(?P<attrs>[^>]*)>(?P<body>.*?)</td>", re.S)
LINK = re.compile(r'<a class="day m(?P<mood>\d)" href="(?P<href>[^"]+)">')
WORDS = re.compile(r'<span class="visually-hidden">(?P<words>[^<]+)</span>')


def calendar_cells(html: str) -> dict[int, dict]:
    """Each day cell of the calendar table: its mood class, link, accessible words and whether it is today."""
    table = html[html.index('<table class="calendar">'):html.index("</table>")]
    cells = {}
    for match in CELL.finditer(table):
        body = match.group("body")
        if not body:
            continue
        day = int(re.search(r'<span aria-hidden="true">(\d+)', body).group(1))
        link = LINK.search(body)
        cells[day] = {"mood": int(link.group("mood")) if link else None,
                      "href": link.group("href").replace("&amp;", "&") if link else None,
                      "words": WORDS.search(body).group("words"),
                      "today": 'aria-current="date"' in match.group("attrs")}
    return cells


def at(day: date, hh_mm: str, tz: str = "UTC") -> dict:
    """An explicit past instant for a check-in: a fixed month, so the test never depends on today."""
    return {"occurred_at": f"{day.isoformat()}T{hh_mm}:00Z", "timezone": tz}


def test_a_seeded_month_shows_each_days_lowest_mood_in_colour_and_words(app, member):
    make_checkin(member, mood=4, **at(date(2024, 2, 5), "09:00"))
    make_checkin(member, mood=2, note="hard evening", **at(date(2024, 2, 5), "21:00"))
    make_checkin(member, mood=5, **at(date(2024, 2, 14), "12:00"))
    make_checkin(member, mood=1, **at(date(2024, 2, 29), "07:30"))  # a leap day
    make_checkin(member, mood=3, **at(date(2024, 1, 31), "23:30"))  # the months around it stay out
    make_checkin(member, mood=3, **at(date(2024, 3, 1), "00:30"))

    response = member.get("/journal/calendar?month=2024-02")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    cells = calendar_cells(html)
    assert sorted(cells) == list(range(1, 30))
    assert {d: c["mood"] for d, c in cells.items() if c["mood"]} == {5: 2, 14: 5, 29: 1}
    assert cells[5]["words"] == "Monday 5 February 2024: lowest mood low (2 of 5), 2 check-ins"
    assert cells[14]["words"] == "Wednesday 14 February 2024: lowest mood great (5 of 5), 1 check-in"
    assert cells[6] == {"mood": None, "href": None, "words": "Tuesday 6 February 2024: no check-ins", "today": False}
    assert cells[5]["href"] == "/timeline?from=2024-02-05&to=2024-02-05"
    # A real table: a caption, a header row of weekday names, weeks from Monday (1 February 2024 was a Thursday).
    assert "<caption>February 2024: 3 days with check-ins</caption>" in html
    headers = re.findall(r'<th scope="col"><abbr title="(\w+)">', html)
    assert headers == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    first_week = re.findall(r"<td[^>]*>(.*?)</td>", re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1), re.S)
    assert first_week[:3] == ["", "", ""] and '<span aria-hidden="true">1<' in first_week[3] and len(first_week) == 7
    # The legend says what the colours mean in words and how a day's mood is chosen.
    assert "the <strong>lowest</strong> mood you recorded that day" in html
    for label in ("Awful", "Low", "Okay", "Good", "Great", "No check-in"):
        assert f" {label}</li>" in html
    assert "hard evening" not in html  # the calendar shows moods, not notes

    # Tapping the day opens exactly that day's check-ins.
    day = member.get(cells[5]["href"]).get_data(as_text=True)
    assert day.count('<article class="entry">') == 2 and "hard evening" in day


def test_a_check_in_that_cannot_be_read_is_counted_and_said_not_coloured(app, member):
    entry = make_checkin(member, mood=5, **at(date(2024, 2, 9), "10:00"))
    with app.app_context():
        db.session.execute(update(Checkin).where(Checkin.id == uuid.UUID(entry["id"])).values(payload=b"\x01broken"))
        db.session.commit()
    cells = calendar_cells(member.get("/journal/calendar?month=2024-02").get_data(as_text=True))
    assert cells[9]["mood"] == 0
    assert cells[9]["words"] == "Friday 9 February 2024: 1 check-in, 1 could not be read"


def test_months_go_back_and_forth_but_never_past_this_one(app, member):
    html = member.get("/journal/calendar?month=2024-02").get_data(as_text=True)
    assert '<a href="/journal/calendar?month=2024-01" rel="prev">' in html
    assert '<a href="/journal/calendar?month=2024-03" rel="next">' in html
    december = member.get("/journal/calendar?month=2023-12").get_data(as_text=True)
    assert 'month=2024-01" rel="next"' in december and 'month=2023-11" rel="prev"' in december
    # This month (the page without a month): back, but no way forward.
    current = member.get("/journal/calendar").get_data(as_text=True)
    assert 'rel="prev"' in current and 'rel="next"' not in current
    assert sum(c["today"] for c in calendar_cells(current).values()) == 1
    # Future, malformed or impossible months fall back to this month.
    for month in ("2999-01", "2024-13", "24-02", "february", "1969-12", "2024-2"):
        response = member.get(f"/journal/calendar?month={month}")
        assert response.status_code == 302 and response.headers["Location"] == "/journal/calendar", month
    assert 'rel="prev"' not in member.get("/journal/calendar?month=1970-01").get_data(as_text=True)


@pytest.mark.parametrize("tz, current, later", [
    ("Pacific/Kiritimati", date(2026, 2, 1), date(2026, 3, 1)),  # 31 January 11:00 UTC is 1 February 01:00 there
    ("America/Los_Angeles", date(2026, 1, 1), date(2026, 2, 1)),  # and 31 January 03:00 here
])
def test_this_month_is_the_members_own(app, members, tz, current, later):
    member = members.make(timezone=tz)
    now = datetime(2026, 1, 31, 11, 0, tzinfo=UTC)
    with app.test_request_context():
        user = db.session.get(User, member.user_id)
        shown = history.month_calendar(user, current, now=now)
        assert shown.next is None and shown.previous is not None
        assert [d.day for d in shown.days if d.today] == [now.astimezone(history.timekeeping.zone(tz)).date()]
        with pytest.raises(ValueError):
            history.month_calendar(user, later, now=now)


def test_members_far_apart_see_the_same_moment_on_their_own_local_days(app, members):
    kiritimati = members.make(timezone="Pacific/Kiritimati")  # UTC+14
    los_angeles = members.make(timezone="America/Los_Angeles")  # UTC-8 or -7
    # One fixed instant: 12:00 UTC on 10 February 2024 is the 11th at 02:00 in Kiritimati, the 10th at 04:00 in LA.
    east = make_checkin(kiritimati, mood=2, occurred_at="2024-02-10T12:00:00Z", timezone="Pacific/Kiritimati")
    west = make_checkin(los_angeles, mood=4, occurred_at="2024-02-10T12:00:00Z", timezone="America/Los_Angeles")
    assert (east["local_date"], west["local_date"]) == ("2024-02-11", "2024-02-10")
    east_cells = calendar_cells(kiritimati.get("/journal/calendar?month=2024-02").get_data(as_text=True))
    west_cells = calendar_cells(los_angeles.get("/journal/calendar?month=2024-02").get_data(as_text=True))
    assert [d for d, c in east_cells.items() if c["mood"]] == [11]
    assert [d for d, c in west_cells.items() if c["mood"]] == [10]

    # And today, wherever the clock stands: an early check-in lands on today's cell in the member's zone.
    for member, tz in ((kiritimati, "Pacific/Kiritimati"), (los_angeles, "America/Los_Angeles")):
        today = make_checkin(member, mood=3, occurred_at=checkin_time(0, 1, tz=tz), timezone=tz)
        html = member.get(f"/journal/calendar?month={today['local_date'][:7]}").get_data(as_text=True)
        cell = calendar_cells(html)[int(today["local_date"][8:])]
        assert cell["mood"] == 3 and cell["today"], tz


def test_a_full_month_stays_small(app, member):
    """Not a timing: the calendar's HTML is bounded by the month, not by what was written (page weight,
    with CSS, JS and icons, is measured by bench/page_weight.py)."""
    symptom = add_item(member, "symptoms", "A symptom with a rather long name to see it is not shown")
    for day in range(1, 32):
        make_checkin(member, mood=1 + day % 5, note="x" * 2000, symptoms=[{"id": symptom, "severity": 4}],
                     **at(date(2024, 1, day), "08:00"))
    html = member.get("/journal/calendar?month=2024-01").get_data(as_text=True)
    assert len(calendar_cells(html)) == 31 and "rather long name" not in html
    assert len(html.encode()) < 20_000


# --- Who may see these pages ---------------------------------------------------------------------------

# Each page, and what on it would show the owner's journal.
PAGES = [("/journal/calendar?month=2024-02", 'class="day m1"'),
         ("/journal/charts?days=90", "Owner-only symptom"),
         ("/journal/summary", "Owner-only symptom"),
         ("/journal/summary/print?range=custom&from=2024-02-01&to=2024-02-29&items=1&notes=1&m=mood&m={symptom}",
          "owner&#39;s private note"),
         ("/journal/summary/print?range=custom&from=2024-02-01&to=2024-02-29&m=mood&download=1", "<td>1 Awful</td>")]
# role -> status on every page (anonymous: sent to log in; clinician accounts keep no journal; a moderator
# keeps their own, like any member, and sees only it)
ACCESS = {"owner": 200, "other member": 200, "moderator": 200, "clinician": 403, "anonymous": 302}


@pytest.fixture
def people(app, members, new_client):
    owner = members.make(display_name="Owner")
    symptom = add_item(owner, "symptoms", "Owner-only symptom")
    make_checkin(owner, mood=1, note="owner's private note", symptoms=[{"id": symptom, "severity": 3}],
                 **at(date(2024, 2, 20), "10:00"))
    make_checkin(owner, mood=2, symptoms=[{"id": symptom, "severity": 2}], occurred_at=checkin_time(2, 10))
    moderator = members.make(display_name="Mod")
    result = app.test_cli_runner().invoke(args=["users", "set-role", moderator.email, "moderator"])
    assert result.exit_code == 0, result.output
    return {"owner": owner, "other member": members.make(), "moderator": moderator,
            "clinician": members.make(role="clinician"), "anonymous": new_client()}, symptom


@pytest.mark.parametrize("role", list(ACCESS))
def test_only_the_member_sees_their_own_history(app, people, role):
    viewers, symptom = people
    for page, owners_data in PAGES:
        # Others even name the owner's symptom: it is not theirs, so it is ignored.
        response = viewers[role].get(page.format(symptom=f"symptom-{symptom}"))
        assert response.status_code == ACCESS[role], (role, page)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
        assert (owners_data in response.get_data(as_text=True)) == (role == "owner"), (role, page)


def test_the_timeline_and_each_history_page_link_to_one_another(app, member):
    for page, current in (("/timeline", "/timeline"), ("/journal/calendar", "/journal/calendar"),
                          ("/journal/charts", "/journal/charts"), ("/journal/week", "/journal/week"),
                          ("/journal/patterns", "/journal/patterns"), ("/journal/summary", "/journal/summary")):
        html = member.get(page).get_data(as_text=True)
        tabs = html[html.index('<nav class="subnav journal-tabs" aria-label="My journal">'):]
        tabs = tabs[:tabs.index("</nav>")]
        assert re.findall(r'href="([^"]+)"', tabs) == ["/timeline", "/journal/calendar", "/journal/charts",
                                                       "/journal/week", "/journal/patterns", "/journal/summary"], page
        assert f'<a href="{current}" aria-current="page">' in tabs, page
        # The bottom navigation keeps "Timeline" as the current tab on all of them.
        assert re.search(r'<a href="/timeline" aria-current="page"><span aria-hidden="true">☰</span>Timeline', html)
