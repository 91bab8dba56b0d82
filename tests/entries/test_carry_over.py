"""A check-in records only what the member said: last time's values are hints beside each item, never
selected for them; "Same as last time" fills them in because the member asked; scheduled medications can be
marked taken with one tap, as-needed ones never are; a symptom left untouched is "not recorded", distinct
from "None (0)", in the API, the exports and FHIR."""
from __future__ import annotations

import csv
import io
import re

from tests.conftest import add_item, checkin_time, make_checkin
from tests.fuzz.forms import forms_on


def _as_a_browser_sends(client, path: str, **changes) -> dict:
    """The full check-in form as the page rendered it, with only `changes` made by the member."""
    html = client.get(path).get_data(as_text=True)
    [form] = [f for f in forms_on(path, html) if f.action.endswith("/checkin")]
    sent: dict[str, list[str]] = {}
    for field in form.fields.values():
        if field.kind in ("radio", "checkbox"):
            values = field.chosen[:1] if field.kind == "radio" else field.chosen
        elif field.kind == "button":
            continue
        else:
            values = [field.value]
        if values:
            sent[field.name] = values
    sent.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return sent


def _latest(client) -> dict:
    return client.api("GET", "/api/v1/checkins").get_json()["items"][0]


def _saved(client, sent: dict) -> dict:
    """Post the form; the check-in it saved, read back through the API."""
    response = client.http.post("/checkin", data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    entry_id = response.headers["Location"].rsplit("/", 1)[-1]
    return client.api("GET", f"/api/v1/checkins/{entry_id}").get_json()


def _journal_with_a_yesterday(member):
    fatigue = add_item(member, "symptoms", "Fatigue")
    nausea = add_item(member, "symptoms", "Nausea")
    daily = add_item(member, "medications", "Sertraline", dose="50 mg")
    rescue = add_item(member, "medications", "Ibuprofen", dose="400 mg", as_needed=True)
    make_checkin(member, mood=2, occurred_at=checkin_time(days_ago=1, hour=20),
                 symptoms=[{"id": fatigue, "severity": 2}, {"id": nausea, "severity": 0}],
                 medications=[{"id": daily, "dose": "75 mg"}, {"id": rescue, "dose": "400 mg"}])
    return fatigue, nausea, daily, rescue


def test_last_time_shows_beside_each_item_and_nothing_is_selected(app, member):
    fatigue, nausea, daily, rescue = _journal_with_a_yesterday(member)
    page = member.get("/checkin").get_data(as_text=True)
    assert not re.search(rf'name="sev-{fatigue}" value="\d" checked', page)
    assert not re.search(rf'name="med" value="({daily}|{rescue})"[^>]*checked', page)
    assert "Last time: Moderate (2)" in page and "Last time: None (0)" in page
    assert "Last time: taken, 75 mg" in page and "Same as last time" in page
    assert 'name="meds_as_planned"' in page and "Scheduled medications" in page and "Taken as needed" in page


def test_changing_only_mood_and_note_records_only_them(app, member):
    _journal_with_a_yesterday(member)
    entry = _saved(member, _as_a_browser_sends(member, "/checkin", mood="4", note="only this today"))
    assert (entry["mood"], entry["note"]) == (4, "only this today")
    assert entry["symptoms"] == [] and entry["medications"] == []


def test_same_as_last_time_fills_in_visibly_and_saves_what_was_shown(app, member):
    fatigue, nausea, daily, rescue = _journal_with_a_yesterday(member)
    page = member.get("/checkin?same=1").get_data(as_text=True)
    assert "Filled in from last time" in page
    assert re.search(rf'name="sev-{fatigue}" value="2" checked', page)
    entry = _saved(member, _as_a_browser_sends(member, "/checkin?same=1", mood="3"))
    assert {(s["id"], s["severity"]) for s in entry["symptoms"]} == {(fatigue, 2), (nausea, 0)}
    assert {(m["id"], m["dose"]) for m in entry["medications"]} == {(daily, "75 mg"), (rescue, "400 mg")}


def test_taken_as_planned_marks_the_scheduled_medications_never_the_as_needed(app, member):
    _, _, daily, rescue = _journal_with_a_yesterday(member)
    entry = _saved(member, _as_a_browser_sends(member, "/checkin", mood="3", meds_as_planned="1"))
    assert [(m["id"], m["dose"]) for m in entry["medications"]] == [(daily, "50 mg")]  # the usual dose


def test_medications_say_whether_they_are_taken_as_needed(app, member):
    rescue = add_item(member, "medications", "Salbutamol", dose="2 puffs", as_needed=True)
    items = member.api("GET", "/api/v1/medications").get_json()["items"]
    assert [(i["id"], i["as_needed"]) for i in items] == [(rescue, True)]
    assert member.api("PATCH", f"/api/v1/medications/{rescue}", json={"as_needed": False}).status_code == 200
    assert member.api("GET", "/api/v1/medications").get_json()["items"][0]["as_needed"] is False
    refused = member.api("POST", "/api/v1/symptoms", json={"name": "Cough", "as_needed": True})
    assert refused.status_code == 422
    # The tracking page sets it too, without JavaScript.
    assert member.post("/track/medications/add", {"medications-name": "Paracetamol", "medications-dose": "1 g",
                                                   "medications-as_needed": "y"}).status_code == 302
    added = member.api("GET", "/api/v1/medications").get_json()["items"][-1]
    assert (added["name"], added["as_needed"]) == ("Paracetamol", True)


def test_a_symptom_left_untouched_is_not_recorded_and_none_is_zero_everywhere(app, member):
    fatigue, nausea, _, _ = _journal_with_a_yesterday(member)
    headache = add_item(member, "symptoms", "Headache")
    entry = make_checkin(member, mood=3, symptoms=[{"id": headache, "severity": 0}])  # the others untouched
    assert [(s["id"], s["severity"], s["severity_label"]) for s in entry["symptoms"]] == [(headache, 0, "None")]

    table = list(csv.DictReader(io.StringIO(member.get("/journal/export.csv").get_data(as_text=True))))
    newest = next(row for row in table if row["symptom: Headache (0-4)"] != "")
    columns = {name: value for name, value in newest.items() if name.startswith("symptom:")}
    assert columns["symptom: Headache (0-4)"] == "0"
    assert columns["symptom: Fatigue (0-4)"] == "" and columns["symptom: Nausea (0-4)"] == ""

    bundle = member.get("/journal/export.fhir.json").get_json()
    readings = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                and e["resource"].get("effectiveDateTime", "").startswith(entry["occurred_at"][:16])]
    symptoms = [r for r in readings if "Headache" in r.get("code", {}).get("text", "")
                or "Fatigue" in r.get("code", {}).get("text", "")]
    assert [r["valueInteger"] for r in symptoms if "Headache" in r["code"]["text"]] == [0]
    assert not [r for r in symptoms if "Fatigue" in r["code"]["text"]]


def test_each_hint_is_the_items_latest_recording_even_after_a_quick_check_in(app, member):
    fatigue, _, _, _ = _journal_with_a_yesterday(member)
    make_checkin(member, mood=3)  # a quick check-in today: no symptoms, no medications
    page = member.get("/checkin").get_data(as_text=True)
    assert re.search(r"Last time \(\w{3} \d{1,2} \w{3}\): Moderate \(2\)", page)
    assert "taken, 75 mg" in page and not re.search(rf'name="sev-{fatigue}" value="2" checked', page)
