"""Bring your history: a Daylio, Bearable or own CSV export, previewed (nothing written), then imported in
one transaction, encrypted like any check-in; the same file twice adds nothing; a bad row is named with its
row number and never half-written; only the member's own journal, and only for journal keepers."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from journal.entries.models import Checkin, ImportedRow, Tag
from journal.extensions import db, utcnow
from tests.conftest import Client, add_item, make_checkin

SEALED = re.compile(r'name="sealed" value="([^"]+)"')

DAYLIO = """full_date,date,weekday,time,mood,activities,note_title,note
2024-03-09,March 9,Saturday,21:30,rad,friends | good sleep,,Dinner with Sam
2024-03-08,March 8,Friday,9:15 pm,awful,work | bad sleep,Rough,Long day<br>and a headache
2024-03-07,March 7,Thursday,08:00,meh,,,
"""


def preview(client: Client, csv_text: str | bytes, filename: str = "export.csv"):
    data = csv_text.encode() if isinstance(csv_text, str) else csv_text
    return client.post("/journal/import/preview", {"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


CONFIRM_FORM = re.compile(r'<form method="post" action="/journal/import">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm(client: Client, preview_html: str, **extra):
    """Press the preview's import button: its form's hidden fields, as a browser posts them."""
    form = CONFIRM_FORM.search(preview_html).group(1)
    data = {name: value for name, value in HIDDEN.findall(form) if name != "csrf_token"}
    return client.post("/journal/import", {**data, **extra})


def imported(client: Client, csv_text: str):
    page = preview(client, csv_text)
    assert page.status_code == 200, page.get_data(as_text=True)
    done = confirm(client, page.get_data(as_text=True))
    assert done.status_code == 200, done.get_data(as_text=True)
    return done.get_data(as_text=True)


def checkins(client: Client) -> list[dict]:
    return client.api("GET", "/api/v1/checkins?limit=100").get_json()["items"]


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_daylio_preview_shows_counts_and_mapping_and_writes_nothing(app, member):
    page = preview(member, DAYLIO)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Daylio export" in html
    assert "<strong>3</strong> check-ins to add" in html
    assert "<strong>0</strong> already in your journal" in html
    for line in ("rad → 5 Great", "good → 4 Good", "meh → 3 Okay", "bad → 2 Low", "awful → 1 Awful"):
        assert line in html
    assert "new tags:\n        friends, good sleep, work, bad sleep" in html
    assert count_rows(app, Checkin) == 0 and count_rows(app, ImportedRow) == 0
    assert count_rows(app, Tag) == 5  # only the starting tags


def test_daylio_import_creates_the_hand_checked_checkins(app, member):
    html = imported(member, DAYLIO)
    assert "<strong>3</strong> check-ins added" in html
    by_day = {c["local_date"]: c for c in checkins(member)}
    assert set(by_day) == {"2024-03-07", "2024-03-08", "2024-03-09"}
    rad, awful, meh = by_day["2024-03-09"], by_day["2024-03-08"], by_day["2024-03-07"]
    assert (rad["mood"], rad["local_time"], rad["note"]) == (5, "21:30", "Dinner with Sam")
    assert sorted(t["name"] for t in rad["tags"]) == ["friends", "good sleep"]
    assert (awful["mood"], awful["local_time"]) == (1, "21:15")
    assert awful["note"] == "Rough\n\nLong day\nand a headache"
    assert (meh["mood"], meh["tags"], meh["note"]) == (3, [], "")
    assert rad["audience"] == {"peers": False, "clinicians": False, "hide_note_from_peers": False}


def test_times_are_read_on_the_members_clock(app, members):
    client = members.make(timezone="America/New_York")
    imported(client, DAYLIO)
    rad = next(c for c in checkins(client) if c["local_date"] == "2024-03-09")
    assert rad["occurred_at"].startswith("2024-03-10T02:30:00")  # 21:30 EST is 02:30 UTC next day
    assert (rad["timezone"], rad["local_time"]) == ("America/New_York", "21:30")


def test_the_same_file_twice_creates_nothing_new(app, member):
    imported(member, DAYLIO)
    tags_after_first = count_rows(app, Tag)
    page = preview(member, DAYLIO).get_data(as_text=True)
    assert "<strong>0</strong> check-ins to add" in page
    assert "<strong>3</strong> already in your journal" in page
    assert "There is nothing new to import." in page
    # Even a confirm replayed from the first preview adds nothing.
    first = preview(member, DAYLIO).get_data(as_text=True)
    again = member.post("/journal/import", {"sealed": SEALED.search(first).group(1)}) if SEALED.search(first) \
        else None
    assert again is None or "<strong>0</strong> check-ins added" in again.get_data(as_text=True)
    assert len(checkins(member)) == 3
    assert count_rows(app, Tag) == tags_after_first
    # One row more in the file: only it is new.
    bigger = DAYLIO + "2024-03-06,March 6,Wednesday,10:00,good,work,,\n"
    assert "<strong>1</strong> check-in added" in imported(member, bigger)
    assert len(checkins(member)) == 4


def test_a_replayed_confirmation_adds_nothing(app, member):
    page = preview(member, DAYLIO).get_data(as_text=True)
    assert confirm(member, page).status_code == 200
    second = confirm(member, page)
    assert second.status_code == 200
    assert "<strong>0</strong> check-ins added" in second.get_data(as_text=True)
    assert "<strong>3</strong> already in your journal" in second.get_data(as_text=True)
    assert len(checkins(member)) == 3


def test_bad_rows_are_named_and_skipped_only_when_the_member_says_so(app, member):
    future = (utcnow() + timedelta(days=2)).date().isoformat()
    bad = DAYLIO + (
        "2024-02-30,Feb 30,?,10:00,good,,,\n"  # row 5: no such day
        "2024-03-01,March 1,Friday,10:00,ecstatic,,,\n"  # row 6: a custom mood
        f"{future},later,?,10:00,good,,,\n"  # row 7: in the future
        f"2024-03-02,March 2,Saturday,10:00,good,,,{'x' * 10_001}\n"  # row 8: too long a note
        "2024-03-03,March 3,Sunday,25:99,good,,,\n"  # row 9: not a time
    )
    page = preview(member, bad)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>5</strong> rows\n      that cannot be imported" in html
    assert "Row 5: “2024-02-30” is not a date like 2024-03-08." in html
    assert "Row 6: The mood “ecstatic” is not one of Daylio&#39;s five (rad, good, meh, bad, awful): choose what it " \
           "means above, or change this cell to one of the five." in html
    assert f"Row 7: {future} is in the future." in html
    assert "Row 8: The note has 10,001 characters; a check-in&#39;s note can have up to 10,000." in html
    assert "Row 9: “25:99” is not a time like 21:30 or 9:30 pm." in html
    assert "Import the 3 good\n      check-ins, skip the rest" in html
    # Without the member's say-so (no skip_bad_rows), nothing at all is imported.
    refused = member.post("/journal/import", {"sealed": SEALED.search(html).group(1)})
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.get_data(as_text=True)
    assert count_rows(app, Checkin) == 0 and count_rows(app, ImportedRow) == 0
    done = confirm(member, html)
    assert "<strong>3</strong> check-ins added" in done.get_data(as_text=True)
    assert "<strong>5</strong> rows\n      skipped" in done.get_data(as_text=True)
    assert sorted(c["local_date"] for c in checkins(member)) == ["2024-03-07", "2024-03-08", "2024-03-09"]


BEARABLE = """date,weekday,time of day,category,rating/amount,detail,notes
2024-05-01,Wednesday,am,Mood,8,,Slept well
2024-05-01,Wednesday,pm,Mood,5,,
2024-05-01,Wednesday,all day,Energy,3,,
2024-05-01,Wednesday,all day,Symptom,2,Headache (Moderate),
2024-05-01,Wednesday,pm,Symptom,3,Headache (Severe),
2024-05-01,Wednesday,all day,Symptom,1,Fatigue (Mild),
2024-05-01,Wednesday,all day,Factors,,Caffeine | Walk - A lot,
2024-05-01,Wednesday,all day,Sleep,7:30,,
2024-05-01,Wednesday,all day,Sleep quality,4,,
2024-05-01,Wednesday,all day,Bowel movements,4,Type 4,
2024-05-02,Thursday,mid,Mood,1,,Bad day
2024-05-02,Thursday,all day,Meds/Supplements,,Ibuprofen,
2024-05-03,Friday,all day,Energy,6,,
2024-05-04,Thursday,mid,Mood,11,,
"""


def test_bearable_days_become_checkins_with_the_mapping_shown(app, member):
    add_item(member, "symptoms", "headache")  # matched by name, whatever its case
    page = preview(member, BEARABLE).get_data(as_text=True)
    assert "Bearable export" in page
    assert "<strong>2</strong> check-ins to add" in page
    for line in ("mood 1–2 → 1 Awful", "mood 3–4 → 2 Low", "mood 5–6 → 3 Okay", "mood 7–8 → 4 Good",
                 "mood 9–10 → 5 Great"):
        assert line in page
    assert "Not imported (the journal has no place for them):\n    Sleep quality (1 row), Bowel movements (1 row)." \
        in page
    assert "Row 14: 2024-05-03 has no mood rating, and a check-in needs one." in page
    assert "Row 15: The mood rating 11 is not from 1 to 10. The check-in for 2024-05-04 is left out with it." in page
    assert "new symptoms:\n        Fatigue" in page
    assert "new tags:\n        Caffeine, Walk" in page
    done = confirm(member, page)
    assert "<strong>2</strong> check-ins added" in done.get_data(as_text=True)
    by_day = {c["local_date"]: c for c in checkins(member)}
    first, second = by_day["2024-05-01"], by_day["2024-05-02"]
    # Mood 8 and 5: average 6.5, rounded 7, in fives 4; energy 3 → 2; the headache's highest, 3.
    assert (first["mood"], first["energy"], first["sleep_hours"], first["local_time"]) == (4, 2, 7.5, "09:00")
    assert {s["name"]: s["severity"] for s in first["symptoms"]} == {"headache": 3, "Fatigue": 1}
    assert sorted(t["name"] for t in first["tags"]) == ["Caffeine", "Walk"]
    assert first["note"] == "Slept well"
    assert (second["mood"], second["local_time"], second["note"]) == (1, "13:00", "Bad day")
    assert [m["name"] for m in second["medications"]] == ["Ibuprofen"]
    assert "<strong>0</strong> check-ins to add" in preview(member, BEARABLE).get_data(as_text=True)


def test_own_export_round_trips_into_another_account(app, members):
    source, target = members.make(), members.make()
    pain = add_item(source, "symptoms", "Back pain")
    med = add_item(source, "medications", "Sertraline", dose="50 mg")
    tag = add_item(source, "tags", "Hiking")
    make_checkin(source, mood=2, energy=4, pain=3, sleep_hours=6.5, note="-starts like a formula, and, commas",
                 occurred_at="2024-06-01T08:15:00Z", timezone="Europe/Berlin",
                 symptoms=[{"id": pain, "severity": 4}], tags=[tag], medications=[{"id": med, "dose": "50 mg"}])
    make_checkin(source, mood=5, occurred_at="2024-06-02T20:00:00Z", timezone="UTC")
    exported = source.get("/journal/export.csv").get_data(as_text=True)
    add_item(target, "medications", "Sertraline")
    html = imported(target, exported)
    assert "<strong>2</strong> check-ins added" in html
    back = {c["local_date"]: c for c in checkins(target)}
    first = back["2024-06-01"]
    assert (first["mood"], first["energy"], first["pain"], first["sleep_hours"]) == (2, 4, 3, 6.5)
    assert (first["occurred_at"][:19], first["timezone"], first["local_time"]) == \
        ("2024-06-01T08:15:00", "Europe/Berlin", "10:15")
    assert first["note"] == "-starts like a formula, and, commas"
    assert [(s["name"], s["severity"]) for s in first["symptoms"]] == [("Back pain", 4)]
    assert [t["name"] for t in first["tags"]] == ["Hiking"]
    assert [(m["name"], m["dose"]) for m in first["medications"]] == [("Sertraline", "50 mg")]
    again = target.get("/journal/export.csv").get_data(as_text=True)
    strip = lambda csv_text: [line.split(",", 5)[:4] for line in csv_text.splitlines()]  # noqa: E731
    assert strip(again) == strip(exported)
    # Exported again and imported again into the same account: nothing new.
    assert "<strong>0</strong> check-ins to add" in preview(target, again).get_data(as_text=True)


def test_a_file_we_cannot_read_gets_a_clear_error(app, member):
    for content, words in ((b"\xff\xfe\x00garbage", "not text we can read"),
                           ("name,amount\nx,1\n", "could not tell which app made this file"),
                           ("", "Choose a CSV file to import.")):
        page = preview(member, content)
        assert page.status_code == 422
        assert words in page.get_data(as_text=True)
    assert count_rows(app, Checkin) == 0


def test_a_file_over_the_limit_is_refused_with_a_message(app, member):
    app.config["IMPORT_MAX_BYTES"] = 4096
    page = preview(member, DAYLIO + "2024-03-01,x,x,10:00,good,,," + "y" * 5000 + "\n")
    assert page.status_code == 413
    assert "That file is larger than 4 KB." in page.get_data(as_text=True)
    # A body past what the page reads at all (twice the limit, for the sealed file coming back): the same words.
    page = preview(member, DAYLIO + "2024-03-01,x,x,10:00,good,,," + "y" * 80_000 + "\n")
    assert page.status_code == 413
    assert "That file is larger than 4 KB." in page.get_data(as_text=True)
    assert count_rows(app, Checkin) == 0


def test_the_upload_is_kept_in_memory_never_in_a_temporary_file(app, member, monkeypatch):
    import werkzeug.wrappers.request

    def on_disk(*args, **kwargs):
        raise AssertionError("the upload went to werkzeug's stream factory (a temporary file past 500 KB)")

    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory", on_disk)
    assert preview(member, DAYLIO).status_code == 200


def test_without_a_csrf_token_nothing_happens(app, member):
    page = member.post("/journal/import/preview", {"file": (io.BytesIO(DAYLIO.encode()), "x.csv")},
                       csrf=False, content_type="multipart/form-data")
    assert page.status_code == 400
    good = preview(member, DAYLIO).get_data(as_text=True)
    assert member.post("/journal/import", {"sealed": SEALED.search(good).group(1)}, csrf=False).status_code == 400
    assert count_rows(app, Checkin) == 0


def test_a_sealed_file_opens_for_its_member_only(app, members):
    owner, other = members.make(), members.make()
    sealed = SEALED.search(preview(owner, DAYLIO).get_data(as_text=True)).group(1)
    stolen = other.post("/journal/import", {"sealed": sealed})
    assert stolen.status_code == 422
    assert "This preview has expired" in stolen.get_data(as_text=True)
    assert checkins(other) == [] and checkins(owner) == []


@pytest.mark.parametrize("role, status", [("clinician", 403), ("anonymous", 302)])
def test_other_roles_cannot_reach_the_import_pages(app, members, new_client, role, status):
    client = new_client() if role == "anonymous" else members.make(role=role)
    assert client.get("/journal/import").status_code == status
    assert client.post("/journal/import/preview", {"file": (io.BytesIO(DAYLIO.encode()), "x.csv")},
                       content_type="multipart/form-data").status_code == status
    assert client.post("/journal/import", {"sealed": "x"}).status_code == status
    assert count_rows(app, Checkin) == 0


def test_the_upload_page_works_for_a_member_and_a_moderator(app, members):
    for client in (members.make(), members.make(role="moderator")):
        page = client.get("/journal/import")
        assert page.status_code == 200
        assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)


def test_nothing_imported_is_readable_in_the_sqlite_file(sqlite_app):
    client = Client(sqlite_app)
    client.register("importer@example.org")
    canary = "canary-4b1d-imported-note"
    text_csv = DAYLIO.replace("Dinner with Sam", canary).replace("friends", canary + "-activity")
    imported(client, text_csv)
    assert canary in client.api("GET", "/api/v1/checkins").get_data(as_text=True)
    database = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            raw = path.read_bytes()
            assert canary.encode() not in raw, path.name
            assert b"Long day" not in raw and b"good sleep" not in raw
    with sqlite_app.app_context():
        for row in db.session.execute(text("SELECT * FROM imported_rows")):
            assert canary not in repr(tuple(row))


def test_the_member_says_what_their_own_daylio_moods_mean(app, member):
    custom = DAYLIO + ("2024-03-01,March 1,Friday,10:00,Ecstatic,,,\n"
                       "2024-03-02,March 2,Saturday,10:00,ecstatic,,,\n"
                       "2024-03-03,March 3,Sunday,10:00,so-so,,,\n")
    html = preview(member, custom).get_data(as_text=True)
    assert "<strong>3</strong> check-ins to add" in html
    assert "Row 5: The mood “Ecstatic” is not one of Daylio" in html and "Row 6:" in html
    assert "“Ecstatic” means" in html and "“so-so” means" in html
    assert '<option value="">Choose…</option>' in html and "selected" not in html  # nothing chosen for them
    labels = dict(re.findall(r'name="(mood_label_\d+)" value="([^"]+)"', html))
    assert sorted(labels.values()) == ["Ecstatic", "so-so"]
    ecstatic = next(k for k, v in labels.items() if v == "Ecstatic").removeprefix("mood_label_")
    again = member.post("/journal/import/preview", {"sealed": SEALED.search(html).group(1), **labels,
                                                    f"mood_value_{ecstatic}": "5"})
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "<strong>5</strong> check-ins to add" in page and "ecstatic → 5 Great" in page
    assert "Row 7: The mood “so-so”" in page and "Row 5:" not in page
    done = confirm(member, page)
    assert "<strong>5</strong> check-ins added" in done.get_data(as_text=True)
    assert {c["local_date"]: c["mood"] for c in checkins(member)}["2024-03-02"] == 5
