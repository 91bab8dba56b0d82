"""A receiving app opens a member's SMART Health Link: parse the link, POST to the manifest, decrypt the
JWE with the key from the link, and find a valid FHIR R4 Bundle holding exactly the chosen days and
measures, and nothing else."""
from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle

from tests.conftest import add_item, checkin_time, make_checkin
from tests.healthlinks.conftest import make_link
from tests.healthlinks.receiver import decrypt, open_link, path_of, payload_of


def _journal(member):
    fatigue = add_item(member, "symptoms", "Fatigue")
    make_checkin(member, mood=2, energy=1, pain=3, sleep_hours=6.5, occurred_at=checkin_time(2, 9),
                 symptoms=[{"id": fatigue, "severity": 3}], note="secret note about my week")
    make_checkin(member, mood=4, energy=3, occurred_at=checkin_time(1, 20))
    make_checkin(member, mood=1, pain=4, occurred_at=checkin_time(20, 9))  # outside the chosen days


def _observations(bundle: dict) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]


def test_a_receiving_app_decrypts_exactly_the_chosen_days_and_measures(app, member, client):
    _journal(member)
    link = make_link(member, app, days_back=6, measures=("mood", "sleep_hours"), name="Sam Example")
    bundle = open_link(client.http, link)
    Bundle.model_validate(bundle)  # FHIR R4 (R4B models, wire-compatible for Bundle/Patient/Observation)
    assert bundle["type"] == "collection"
    patients = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["name"][0]["text"] for p in patients] == ["Sam Example"]
    observations = _observations(bundle)
    codes = sorted(o["code"]["coding"][0]["code"] for o in observations)
    assert codes == ["93832-4", "mood", "mood"]  # two moods and one night's sleep, LOINC sleep duration
    values = sorted(o.get("valueInteger", o.get("valueQuantity", {}).get("value")) for o in observations)
    assert values == [2, 4, 6.5]
    text = str(bundle)
    assert "secret note" not in text and "Fatigue" not in text and "energy" not in text and "pain" not in text


def test_symptoms_come_only_when_chosen(app, member, client):
    _journal(member)
    bundle = open_link(client.http, make_link(member, app, measures=("symptoms",)))
    Bundle.model_validate(bundle)
    observations = _observations(bundle)
    assert [o["valueInteger"] for o in observations] == [3]
    assert observations[0]["code"]["text"].startswith("Fatigue severity")


def test_a_range_with_nothing_in_it_still_opens_with_only_the_patient(app, member, client):
    make_checkin(member, mood=3, occurred_at=checkin_time(30, 9))
    bundle = open_link(client.http, make_link(member, app, days_back=3))
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_a_small_embedded_limit_gives_a_location_that_serves_the_jwe(app, member, client):
    _journal(member)
    link = make_link(member, app)
    payload = payload_of(link)
    response = client.http.post(path_of(payload["url"]),
                                json={"recipient": "Clinic app", "embeddedLengthMax": 10})
    files = response.get_json()["files"]
    assert "embedded" not in files[0] and files[0]["location"].startswith("http")
    got = client.http.get(path_of(files[0]["location"]))
    assert got.status_code == 200 and got.mimetype == "application/jose"
    assert got.headers["Cache-Control"] == "no-store"
    _, plaintext = decrypt(got.get_data(as_text=True), payload["key"])
    Bundle.model_validate_json(plaintext)
    # The same link through the one-call helper, embedded this time.
    assert open_link(client.http, link)["resourceType"] == "Bundle"


def test_the_wrong_key_cannot_open_the_file(app, member, client):
    import pytest
    from cryptography.exceptions import InvalidTag

    _journal(member)
    payload = payload_of(make_link(member, app))
    jwe = client.http.post(path_of(payload["url"]), json={"recipient": "x"}).get_json()
    with pytest.raises(InvalidTag):
        decrypt(jwe["files"][0]["embedded"], "A" * 43)
