"""Counters: made in the member's words, days counted on the member's local days (zones, DST), milestones at
1, 7, 30, 90, 180 and 365 with the next one named, a warm word on the next visit, and a kind start again."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from journal.extensions import db
from journal.milestones.counting import MILESTONES, progress
from journal.milestones.models import Counter
from tests.milestones.conftest import local_today, new_counter, text


@pytest.mark.parametrize("days, reached, next_text", [
    (0, (), "1 day to 1"),
    (1, (1,), "6 days to 7"),
    (6, (1,), "1 day to 7"),
    (7, (1, 7), "23 days to 30"),
    (29, (1, 7), "1 day to 30"),
    (30, (1, 7, 30), "60 days to 90"),
    (89, (1, 7, 30), "1 day to 90"),
    (90, (1, 7, 30, 90), "90 days to 180"),
    (179, (1, 7, 30, 90), "1 day to 180"),
    (180, (1, 7, 30, 90, 180), "185 days to 365"),
    (364, (1, 7, 30, 90, 180), "1 day to 365"),
    (365, MILESTONES, "Every milestone here is behind you. Every day still counts."),
    (1000, MILESTONES, "Every milestone here is behind you. Every day still counts."),
])
def test_each_milestone_boundary(days, reached, next_text):
    today = local_today()
    result = progress(today - timedelta(days=days), today)
    assert (result.days, result.reached, result.next_text) == (days, reached, next_text)


@pytest.mark.parametrize("days, next_text", [(0, "1 day to 1"), (6, "1 day to 7"), (7, "23 days to 30"),
                                             (29, "1 day to 30"), (30, "60 days to 90"), (365, "Every milestone")])
def test_the_counter_page_shows_days_so_far_reached_and_next(member, days, next_text):
    counter = new_counter(member, "smoke-free", days_ago=days)
    page = text(member.get(f"/milestones/{counter}"))
    assert f"{days} day" in page and next_text in page
    reached = re.findall(r"<strong>(\d+) days?</strong> <span class=\"hint\">reached</span>", page)
    assert [int(m) for m in reached] == [m for m in MILESTONES if m <= days]
    assert "smoke-free" in text(member.get("/milestones/"))


def test_nothing_is_filled_in_for_the_member(member):
    page = member.get("/milestones/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="start"[^>]*>', page)
    start_input = re.search(r'<input[^>]*name="start"[^>]*>', page).group(0)
    label_input = re.search(r'<input[^>]*name="label"[^>]*>', page).group(0)
    assert "value=" not in start_input.replace('value=""', "") and "value=" not in label_input.replace('value=""', "")
    assert f'max="{local_today().isoformat()}"' in start_input
    assert "aria-invalid" not in page


@pytest.mark.parametrize("fields, message", [
    ({"label": "", "start": "TODAY"}, "Please fill this in."),
    ({"label": "sober", "start": ""}, "Please fill this in."),
    ({"label": "sober", "start": "TOMORROW"}, "Choose today or an earlier day"),
    ({"label": "sober", "start": "31-02-2026"}, "Enter a date"),
    ({"label": "x" * 61, "start": "TODAY"}, "60 characters"),
])
def test_bad_input_gets_a_message_and_saves_nothing(app, member, fields, message):
    today = local_today()
    fields = {k: v.replace("TODAY", today.isoformat()).replace("TOMORROW", (today + timedelta(days=1)).isoformat())
              for k, v in fields.items()}
    response = member.post("/milestones/new", fields)
    assert response.status_code == 422 and message in text(response)
    with app.app_context():
        assert db.session.scalars(select(Counter)).all() == []


def test_days_are_counted_on_the_members_own_day(members):
    """At 12:00 UTC it is already tomorrow at UTC+14 and still today at UTC-11: the same start day is one day
    ago for one member and today for the other, and only the first may pick the later day."""
    day = local_today() + timedelta(days=40)
    instant = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    with time_machine.travel(instant, tick=False):
        east = members.make(timezone="Pacific/Kiritimati")
        west = members.make(timezone="Pacific/Pago_Pago")
        utc_day = instant.date()
        for client in (east, west):
            counter = new_counter(client, "no self-harm", start=utc_day)
            client.page = text(client.get(f"/milestones/{counter}"))
        assert "<strong>1 day</strong>" in east.page and "6 days to 7" in east.page
        assert "<strong>0 days</strong>" in west.page and "1 day to 1" in west.page
        tomorrow = (utc_day + timedelta(days=1)).isoformat()
        assert east.post("/milestones/new", {"label": "a", "start": tomorrow}).status_code == 302
        assert west.post("/milestones/new", {"label": "a", "start": tomorrow}).status_code == 422


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@pytest.mark.parametrize("month", [3, 10])
def test_a_dst_night_is_one_day_and_the_day_turns_at_local_midnight(members, month):
    """London's clocks change on the last Sunday of March and October: that local day has 23 or 25 hours,
    and the count turns at local midnight (not at UTC midnight, an hour earlier in summer)."""
    year = local_today().year + 1
    change = _last_sunday(year, month)
    start = change - timedelta(days=6)
    # Local midnight after the change day, in UTC: 23:00 in summer time (March), 00:00 in winter (October).
    midnight = datetime.combine(change + timedelta(days=1), datetime.min.time(), tzinfo=UTC) - timedelta(
        hours=1 if month == 3 else 0)
    with time_machine.travel(midnight - timedelta(minutes=40), tick=False):
        member = members.make(timezone="Europe/London")
        counter = new_counter(member, "sober", start=start)
        before = text(member.get(f"/milestones/{counter}"))
    with time_machine.travel(midnight + timedelta(minutes=5), tick=False):
        after = text(member.get(f"/milestones/{counter}"))
    assert "<strong>6 days</strong>" in before and "1 day to 7" in before
    assert "<strong>7 days</strong>" in after and "23 days to 30" in after
    assert "A whole week" in after


def test_a_milestone_reached_is_acknowledged_warmly_on_the_next_visit_once(member):
    today = local_today()
    counter = new_counter(member, "sober", days_ago=6)
    member.get("/milestones/")  # the 1-day milestone is greeted here, then it is seen
    assert "The first one" not in text(member.get("/milestones/"))
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1)):
        assert local_today() == today + timedelta(days=1)
        visit = text(member.get("/milestones/"))
        assert "A whole week. Seven days, one at a time." in visit and 'role="status"' in visit
        assert "A whole week" not in text(member.get("/milestones/"))
        assert "A whole week" not in text(member.get(f"/milestones/{counter}"))


FORBIDDEN = ("streak", "broke", "fail", "relapse", "slip", "lost", "reset", "back to zero", "give up", "gave up",
             "should have", "shame")


def test_starting_again_is_met_with_kindness_and_keeps_the_earlier_run(member):
    today = local_today()
    counter = new_counter(member, "sober", days_ago=45)
    member.get(f"/milestones/{counter}")
    form = member.get(f"/milestones/{counter}/start-again")
    assert form.status_code == 200
    done = member.post(f"/milestones/{counter}/start-again", {"when": "today"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/milestones/{counter}")
    shown = member.get(done.headers["Location"])
    pages = [text(form), text(shown)]
    assert "Starting again takes courage. Your earlier 45 days still count." in pages[1]
    assert "<strong>0 days</strong>" in pages[1] and "Your longest run: 45 days." in pages[1]
    assert f"45 days, from {(today - timedelta(days=45)).strftime('%-d %b %Y')}" in pages[1]
    for page in (*pages, text(member.get("/milestones/"))):
        lowered = page.lower()
        assert not [word for word in FORBIDDEN if word in lowered], [w for w in FORBIDDEN if w in lowered]


def test_the_members_own_words_are_theirs_to_use(member):
    """The kind wording never says "relapse"; the member may, and their label is shown as they wrote it."""
    counter = new_counter(member, "days since relapse", days_ago=3)
    member.post(f"/milestones/{counter}/start-again", {"when": "today"})
    page = text(member.get(f"/milestones/{counter}"))
    assert "days since relapse" in page
    assert page.lower().count("relapse") == page.count("days since relapse") * 1


def test_starting_again_on_the_first_day_says_nothing_of_zero_days(member):
    counter = new_counter(member, "sober")
    response = member.post(f"/milestones/{counter}/start-again", {"when": "today"})
    page = text(member.get(response.headers["Location"]))
    assert "Starting again takes courage. Every new start counts." in page and "0 days still" not in page


def test_starting_again_from_an_earlier_day(member):
    today = local_today()
    counter = new_counter(member, "sober", days_ago=20)
    response = member.post(f"/milestones/{counter}/start-again", {"start": (today - timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    page = text(member.get(f"/milestones/{counter}"))
    assert "<strong>2 days</strong>" in page and "Your earlier 18 days still count." in page
    assert "Your longest run: 18 days." in page


@pytest.mark.parametrize("fields, message", [({}, "Choose a day, or start again from today."),
                                             ({"start": "TOMORROW"}, "Choose today or an earlier day"),
                                             ({"start": "BEFORE"}, "or a later day: this count began then.")])
def test_starting_again_refuses_an_unclear_day(member, fields, message):
    counter = new_counter(member, "sober", days_ago=5)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    before = (local_today() - timedelta(days=6)).isoformat()
    response = member.post(f"/milestones/{counter}/start-again",
                           {k: v.replace("TOMORROW", tomorrow).replace("BEFORE", before) for k, v in fields.items()})
    assert response.status_code == 422 and message in text(response)
    assert "<strong>5 days</strong>" in text(member.get(f"/milestones/{counter}"))


def test_deleting_asks_first(app, member):
    counter = new_counter(member, "sober", days_ago=5)
    ask = member.post(f"/milestones/{counter}/delete")
    assert ask.status_code == 200 and "Delete this counter?" in text(ask)
    assert member.post(f"/milestones/{counter}/delete", {"confirm": "1"}).status_code == 302
    assert member.get(f"/milestones/{counter}").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Counter)).all() == []


def test_who_may_open_a_counter(members, new_client):
    owner = members.make()
    counter = new_counter(owner, "sober", days_ago=3)
    other = members.make()
    clinician = members.make(role="clinician")
    assert other.get(f"/milestones/{counter}").status_code == 404
    assert other.post(f"/milestones/{counter}/start-again", {"when": "today"}).status_code == 404
    assert other.post(f"/milestones/{counter}/delete", {"confirm": "1"}).status_code == 404
    assert other.get("/milestones/not-an-id").status_code == 404
    assert "sober" not in text(other.get("/milestones/"))
    assert clinician.get("/milestones/").status_code == 403
    assert clinician.get(f"/milestones/{counter}").status_code == 403
    anonymous = new_client()
    for path in ("/milestones/", f"/milestones/{counter}", "/milestones/new", "/milestones/peers"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert "<strong>3 days</strong>" in text(owner.get(f"/milestones/{counter}"))
