"""The journal's pages, as a member uses them without JavaScript: check in, timeline, view, edit, delete."""
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import add_item, make_checkin


def count_checkins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def test_quick_check_in_is_one_tap(app, member):
    page = member.get("/checkin").get_data(as_text=True)
    # The quick form is a row of submit buttons: tapping a face is the whole check-in.
    assert re.search(r'<form method="post" action="/checkin/quick"', page)
    assert page.count('name="mood" value=') >= 5
    response = member.post("/checkin/quick", {"mood": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/timeline"
    timeline = member.get("/timeline").get_data(as_text=True)
    assert "Awful" in timeline and "well done for checking in" in timeline
    assert count_checkins(app) == 1


def test_quick_check_in_without_a_face_is_a_gentle_message(app, member):
    response = member.post("/checkin/quick", {})
    assert response.status_code == 302
    assert "Tap one of the faces" in member.get("/checkin").get_data(as_text=True)
    assert count_checkins(app) == 0


def test_full_check_in_through_the_form(app, member):
    fatigue = add_item(member, "symptoms", "Fatigue")
    headache = add_item(member, "symptoms", "Headache")
    tag = add_item(member, "tags", "Rainy day")
    med = add_item(member, "medications", "Ibuprofen", dose="200 mg")
    response = member.post("/checkin", {
        "mood": "2", "energy": "1", "pain": "3", "sleep_hours": "6.5",
        f"sev-{fatigue}": "4", f"sev-{headache}": "", "tag": [tag], "med": [med], f"dose-{med}": "400 mg",
        "note": "Long day.\nStill here.",
    })
    assert response.status_code == 302
    entry_page = member.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Low", "Drained", "Severe", "6.5 h", "Fatigue: very severe", "Rainy day", "Ibuprofen 400 mg",
                 "Long day."):
        assert text in entry_page, text
    assert "Headache" not in entry_page  # skipped, not recorded


def test_invalid_form_shows_messages_and_keeps_what_was_typed(app, member):
    response = member.post("/checkin", {"energy": "9", "note": "keep me", "sleep_hours": "30"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose how your mood is." in page
    assert "Choose a energy from 1 to 5." in page or "energy from 1 to 5" in page
    assert "Hours of sleep from 0 to 24." in page
    assert "keep me" in page
    assert count_checkins(app) == 0


def test_note_over_the_limit_is_refused_not_truncated(app, member):
    response = member.post("/checkin", {"mood": "3", "note": "x" * 10_001})
    assert response.status_code == 422
    assert "up to 10,000 characters" in response.get_data(as_text=True)
    assert member.post("/checkin", {"mood": "3", "note": "x" * 10_000}).status_code == 302


def test_backfill_a_past_day(app, member):
    day = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
    response = member.post("/checkin", {"mood": "4", "day": day, "time": "21:15", "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    entry = member.api("GET", "/api/v1/checkins").get_json()["items"][0]
    assert entry["local_date"] == day and entry["local_time"] == "21:15" and entry["timezone"] == "Europe/Berlin"


def test_timeline_newest_first_with_pages_of_twenty(app, member):
    base = date(2026, 1, 1)
    for i in range(45):
        make_checkin(member, mood=(i % 5) + 1, occurred_at=f"{base + timedelta(days=i)}T12:00:00Z",
                     note=f"entry number {i:02d}")
    first = member.get("/timeline").get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r"entry number (\d+)", first)]
    assert numbers == list(range(44, 24, -1))
    older = re.search(r'href="(/timeline\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = member.get(older).get_data(as_text=True)
    assert [int(n) for n in re.findall(r"entry number (\d+)", second)] == list(range(24, 4, -1))
    third_url = re.search(r'href="(/timeline\?before=[^"]+)"', second).group(1).replace("&amp;", "&")
    third = member.get(third_url).get_data(as_text=True)
    assert [int(n) for n in re.findall(r"entry number (\d+)", third)] == [4, 3, 2, 1, 0]
    assert "Older check-ins" not in third


def test_timeline_filters_by_tag_symptom_and_dates(app, member):
    tag = add_item(member, "tags", "Stress")
    symptom = add_item(member, "symptoms", "Nausea")
    make_checkin(member, occurred_at="2026-02-01T10:00:00Z", note="tagged", tags=[tag])
    make_checkin(member, occurred_at="2026-02-02T10:00:00Z", note="symptomatic",
                 symptoms=[{"id": symptom, "severity": 1}])
    make_checkin(member, occurred_at="2026-02-03T10:00:00Z", note="plain")

    def notes(query):
        return re.findall(r'<p class="note">([a-z]+)</p>', member.get("/timeline" + query).get_data(as_text=True))

    assert notes(f"?tag={tag}") == ["tagged"]
    assert notes(f"?symptom={symptom}") == ["symptomatic"]
    assert notes("?from=2026-02-02&to=2026-02-02") == ["symptomatic"]
    assert notes("?from=2026-02-02") == ["plain", "symptomatic"]
    assert notes("?tag=not-an-id") == ["plain", "symptomatic", "tagged"]
    assert member.get("/timeline?before=garbage").status_code == 302


def test_edit_a_check_in(app, member):
    entry = make_checkin(member, mood=2, note="before")
    form = member.get(f"/entries/{entry['id']}/edit").get_data(as_text=True)
    assert "before" in form and 'name="mood" value="2" checked' in form
    response = member.post(f"/entries/{entry['id']}/edit", {"mood": "5", "note": "after",
                                                            "day": entry["local_date"], "time": entry["local_time"]})
    assert response.status_code == 302
    updated = member.api("GET", f"/api/v1/checkins/{entry['id']}").get_json()
    assert (updated["mood"], updated["note"], updated["occurred_at"]) == (5, "after", entry["occurred_at"])


def test_delete_asks_for_confirmation(app, member):
    entry = make_checkin(member)
    page = member.get(f"/entries/{entry['id']}/delete")
    assert page.status_code == 200 and "Delete this check-in?" in page.get_data(as_text=True)
    assert count_checkins(app) == 1
    assert member.post(f"/entries/{entry['id']}/delete").status_code == 302
    assert count_checkins(app) == 0
    assert member.get(f"/entries/{entry['id']}").status_code == 404


def test_manage_what_i_track(app, member):
    assert member.post("/track/symptoms/add", {"symptoms-name": "  Brain   fog "}).status_code == 302
    items = member.api("GET", "/api/v1/symptoms").get_json()["items"]
    assert [i["name"] for i in items] == ["Brain fog"]
    duplicate = member.post("/track/symptoms/add", {"symptoms-name": "brain fog"})
    assert duplicate.status_code == 422 and "already track" in duplicate.get_data(as_text=True)
    item_id = items[0]["id"]
    assert member.post(f"/track/symptoms/{item_id}/rename", {f"{item_id}-name": "Foggy head"}).status_code == 302
    assert member.post(f"/track/symptoms/{item_id}/archive", {"archived": "1"}).status_code == 302
    assert member.api("GET", "/api/v1/symptoms").get_json()["items"] == [
        {"id": item_id, "name": "Foggy head", "archived": True}]
    assert "Foggy head" not in member.get("/checkin").get_data(as_text=True)
    assert member.post("/track/nonsense/add", {"nonsense-name": "x"}).status_code == 404


def test_new_members_start_with_common_tags(member):
    names = [t["name"] for t in member.api("GET", "/api/v1/tags").get_json()["items"]]
    assert {"Poor sleep", "Stressful day", "New medication"} <= set(names)


def test_clinician_accounts_have_no_journal(members):
    clinician = members.make(role="clinician")
    assert clinician.get("/checkin").status_code == 403
    assert clinician.api("GET", "/api/v1/checkins").status_code == 403


def test_journal_pages_need_login(client):
    for path in ("/checkin", "/timeline", "/track", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pages_carrying_health_data_are_not_cached(member):
    entry = make_checkin(member, note="private")
    for path in ("/timeline", f"/entries/{entry['id']}", "/checkin", "/api/v1/checkins"):
        assert member.get(path).headers["Cache-Control"] == "no-store"


def test_check_in_form_is_usable_without_javascript_on_a_small_screen(member):
    page = member.get("/checkin").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1' in page
    assert "<script>" not in page and " style=" not in page  # no inline code: strict CSP holds
    assert 'type="radio" name="mood"' in page and "<label" in page
