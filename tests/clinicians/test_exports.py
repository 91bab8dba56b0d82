"""Exports: the CSV holds every check-in in scope with the right values; the FHIR Bundle validates
against the R4B models; downloads are attachments that are never cached; members export everything."""
from __future__ import annotations

import csv
import io
import json

from fhir.resources.R4B.bundle import Bundle

from tests.clinicians.conftest import connect, make_clinician
from tests.conftest import add_item, checkin_time, make_checkin


def _journal(member):
    fatigue = add_item(member, "symptoms", "Fatigue")
    nausea = add_item(member, "symptoms", "Nausea")
    med = add_item(member, "medications", "Methotrexate", dose="15 mg")
    tag = add_item(member, "tags", "=cmd|' /C calc'!A0")  # a formula-looking name must stay text
    shared = {"clinicians": True}
    rows = [
        make_checkin(member, mood=2, energy=1, pain=3, sleep_hours=5.5, occurred_at=checkin_time(3, 8), audience=shared,
                     symptoms=[{"id": fatigue, "severity": 4}, {"id": nausea, "severity": 0}],
                     medications=[{"id": med, "dose": "15 mg"}], tags=[tag], note="Rough morning, 2nd dose"),
        make_checkin(member, mood=4, occurred_at=checkin_time(3, 20), audience=shared,
                     symptoms=[{"id": fatigue, "severity": 1}]),
        make_checkin(member, mood=3, pain=0, occurred_at=checkin_time(1, 9), audience=shared,
                     medications=[{"id": med, "dose": "20 mg"}]),
        make_checkin(member, mood=1, note="private entry", occurred_at=checkin_time(2, 9)),
    ]
    return rows


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_clinician_csv_holds_every_checkin_in_scope_with_its_values(app, members):
    member = members.make()
    doc = make_clinician(members)
    rows = _journal(member)
    grant_id = connect(member, doc)
    response = doc.get(f"/clinician/patients/{grant_id}/export.csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset named once
    table = _csv(response)
    assert len(table) == 3
    assert "private entry" not in response.get_data(as_text=True)
    first, second, third = table
    assert (first["date"], first["time"]) == (rows[0]["local_date"], rows[0]["local_time"])
    assert (first["mood"], first["mood_label"], first["energy"], first["pain"], first["sleep_hours"]) == \
        ("2", "Low", "1", "3", "5.5")
    assert first["symptom: Fatigue (0-4)"] == "4" and first["symptom: Nausea (0-4)"] == "0"
    assert first["medications"] == "Methotrexate 15 mg"
    assert first["tags"] == "'=cmd|' /C calc'!A0"
    assert first["note"] == "Rough morning, 2nd dose"
    assert second["symptom: Fatigue (0-4)"] == "1" and second["symptom: Nausea (0-4)"] == ""
    assert second["energy"] == "" and second["pain"] == ""
    assert third["pain"] == "0" and third["medications"] == "Methotrexate 20 mg"
    assert "shared_with_peers" not in first  # the member's audience choices stay theirs

    dated = _csv(doc.get(f"/clinician/patients/{grant_id}/export.csv?from={rows[2]['local_date']}"))
    assert [r["mood"] for r in dated] == ["3"]


def test_fhir_bundle_validates_against_r4b_and_names_only_the_given_name(app, members):
    member = members.make(display_name="Sunflower")
    doc = make_clinician(members)
    rows = _journal(member)
    grant_id = connect(member, doc, name="real", real_name="Samira Haddad")
    response = doc.get(f"/clinician/patients/{grant_id}/export.fhir.json")
    assert response.headers["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    patients = [r for r in resources if r.get_resource_type() == "Patient"]
    assert len(patients) == 1
    assert patients[0].model_dump(exclude_none=True) == {"resourceType": "Patient", "id": patients[0].id,
                                                         "name": [{"text": "Samira Haddad"}]}
    assert "Sunflower" not in response.get_data(as_text=True)
    observations = [r for r in resources if r.get_resource_type() == "Observation"]
    # mood, energy, pain, sleep, 2 symptoms | mood, 1 symptom | mood, pain
    assert len(observations) == 6 + 2 + 2
    for obs in observations:
        assert obs.status == "final"
        assert [c.code for c in obs.category[0].coding] == ["survey"]
        assert obs.subject.reference == bundle.entry[0].fullUrl
        assert obs.effectiveDateTime is not None
    by_code = {}
    for obs in observations:
        coding = obs.code.coding[0]
        by_code.setdefault((coding.system, coding.code), []).append(obs)
    assert sorted(o.valueInteger for o in by_code[("https://peerjournal.app/fhir/CodeSystem/checkin", "mood")]) == \
        [2, 3, 4]
    sleep = by_code[("http://loinc.org", "93832-4")]
    assert [(o.valueQuantity.value, o.valueQuantity.code) for o in sleep] == [(5.5, "h")]
    symptoms = by_code[("https://peerjournal.app/fhir/CodeSystem/checkin", "symptom-severity")]
    assert sorted((o.code.text.split(" severity")[0], o.valueInteger) for o in symptoms) == \
        [("Fatigue", 1), ("Fatigue", 4), ("Nausea", 0)]
    first_mood = next(o for o in by_code[("https://peerjournal.app/fhir/CodeSystem/checkin", "mood")]
                      if o.valueInteger == 2)
    assert first_mood.effectiveDateTime.isoformat().startswith(rows[0]["local_date"])
    # Stable ids: exporting again gives the same Observation ids.
    again = json.loads(doc.get(f"/clinician/patients/{grant_id}/export.fhir.json").get_data(as_text=True))
    assert {e["fullUrl"] for e in again["entry"]} == {e["fullUrl"] for e in data["entry"]}


def test_member_exports_the_whole_journal_three_ways(app, members):
    member = members.make(display_name="Sunflower")
    _journal(member)
    moved = member.get("/sharing/clinicians/export.csv?days=90")  # the older address leads to the journal's
    assert moved.status_code == 308 and moved.headers["Location"] == "/journal/export.csv?days=90"
    own = member.get("/journal/export.csv")
    assert own.headers["Content-Type"] == "text/csv; charset=utf-8"
    table = _csv(own)
    assert len(table) == 4
    assert {r["shared_with_clinicians"] for r in table} == {"yes", "no"}
    assert "private entry" in {r["note"] for r in table}
    response = member.get("/journal/export.fhir.json")
    bundle = Bundle.model_validate(json.loads(response.get_data(as_text=True)))
    assert bundle.entry[0].resource.name[0].text == "Sunflower"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    page = member.get("/sharing/clinicians/report?days=7")
    assert page.status_code == 200 and "private entry" in page.get_data(as_text=True)
    download = member.get("/sharing/clinicians/report?days=7&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    assert "<style>" in download.get_data(as_text=True)
    # Nobody else looked: the member's own exports are not "access".
    assert member.api("GET", "/api/v1/sharing/access-log").get_json()["items"] == []


def test_report_has_every_chart_point_and_a_print_stylesheet(app, members):
    member = members.make()
    doc = make_clinician(members)
    _journal(member)
    grant_id = connect(member, doc)
    html = doc.get(f"/clinician/patients/{grant_id}/report?days=7").get_data(as_text=True)
    assert 'data-points="3"' in html  # three moods, two of them on one day
    assert "Rough morning" in html
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert "@page" in css and "@media print" in css
