"""The journal's JSON API: CRUD, cursor pagination, idempotent creation, errors (every response is also
checked against the OpenAPI document by the test client)."""
import uuid

import pytest
from sqlalchemy import func, select

from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import add_item, make_checkin


def count_checkins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def test_create_get_update_delete(app, member):
    symptom = add_item(member, "symptoms", "Joint pain")
    med = add_item(member, "medications", "Methotrexate", dose="15 mg")
    created = make_checkin(member, mood=4, energy=2, pain=1, sleep_hours=7.3,
                           symptoms=[{"id": symptom, "severity": 3}], medications=[{"id": med, "dose": "15 mg"}],
                           note="Ok-ish", timezone="America/New_York", occurred_at="2026-03-08T07:30:00Z")
    assert created["mood_label"] == "Good" and created["energy_label"] == "Low" and created["pain_label"] == "Mild"
    assert created["sleep_hours"] == 7.25
    assert created["symptoms"] == [{"id": symptom, "name": "Joint pain", "severity": 3, "severity_label": "Severe"}]
    assert created["medications"] == [{"id": med, "name": "Methotrexate", "dose": "15 mg"}]
    assert (created["local_date"], created["local_time"]) == ("2026-03-08", "03:30")  # EDT began at 02:00

    fetched = member.api("GET", f"/api/v1/checkins/{created['id']}").get_json()
    assert fetched == created

    response = member.api("PATCH", f"/api/v1/checkins/{created['id']}", json={"note": "Better now", "pain": None})
    assert response.status_code == 200
    updated = response.get_json()
    assert (updated["note"], updated["pain"], updated["mood"]) == ("Better now", None, 4)
    assert updated["symptoms"] == created["symptoms"]

    assert member.api("DELETE", f"/api/v1/checkins/{created['id']}").status_code == 204
    assert member.api("GET", f"/api/v1/checkins/{created['id']}").status_code == 404


def test_list_uses_cursor_pagination(app, member):
    ids = [make_checkin(member, occurred_at=f"2026-01-{d:02d}T08:00:00Z")["id"] for d in range(1, 8)]
    # Two check-ins at the very same instant are still ordered and paginated without loss.
    ids += [make_checkin(member, occurred_at="2026-01-08T08:00:00Z")["id"] for _ in range(2)]
    seen, cursor = [], None
    while True:
        url = "/api/v1/checkins?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = member.api("GET", url).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) == 9
    assert seen[-7:] == list(reversed(ids[:7]))


def test_list_filters(app, member):
    tag = add_item(member, "tags", "Work")
    symptom = add_item(member, "symptoms", "Migraine")
    a = make_checkin(member, tags=[tag], occurred_at="2026-04-01T10:00:00Z")
    b = make_checkin(member, symptoms=[{"id": symptom, "severity": 0}], occurred_at="2026-04-02T10:00:00Z")
    make_checkin(member, occurred_at="2026-04-03T10:00:00Z")

    def ids(query):
        return [i["id"] for i in member.api("GET", "/api/v1/checkins?" + query).get_json()["items"]]

    assert ids(f"tag={tag}") == [a["id"]]
    assert ids(f"symptom={symptom}") == [b["id"]]
    assert ids("from=2026-04-02&to=2026-04-02") == [b["id"]]


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=abc", "limit"), ("tag=zzz", "tag"),
                                          ("from=yesterday", "from"), ("cursor=%%%", "cursor")])
def test_bad_list_queries_are_400(member, query, field):
    response = member.api("GET", "/api/v1/checkins?" + query)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body, field", [
    ({}, "mood"),
    ({"mood": 6}, "mood"),
    ({"mood": 2.5}, "mood"),
    ({"mood": True}, "mood"),
    ({"mood": "3", "energy": 0}, "energy"),
    ({"mood": 3, "pain": 5}, "pain"),
    ({"mood": 3, "sleep_hours": -1}, "sleep_hours"),
    ({"mood": 3, "sleep_hours": "NaN"}, "sleep_hours"),
    ({"mood": 3, "note": 12}, "note"),
    ({"mood": 3, "note": "x" * 10_001}, "note"),
    ({"mood": 3, "symptoms": [{"id": "nope", "severity": 1}]}, "symptoms[0].id"),
    ({"mood": 3, "symptoms": [{"id": str(uuid.uuid4()), "severity": 1}]}, "symptoms[0]"),
    ({"mood": 3, "symptoms": "headache"}, "symptoms"),
    ({"mood": 3, "tags": [str(uuid.uuid4())]}, "tags[0]"),
    ({"mood": 3, "timezone": "Mars/Base"}, "timezone"),
    ({"mood": 3, "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ({"mood": 3, "occurred_at": "2026-01-01T00:00:00"}, "occurred_at"),
    ({"mood": 3, "audience": {"peers": "yes"}}, "audience.peers"),
    ({"mood": 3, "colour": "blue"}, "colour"),
])
def test_invalid_check_ins_are_422_with_field_messages(app, member, body, field):
    response = member.api("POST", "/api/v1/checkins", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert count_checkins(app) == 0


def test_someone_elses_symptom_cannot_be_referenced(app, members):
    alice, bob = members.make(), members.make()
    bobs = add_item(bob, "symptoms", "Secret symptom")
    response = alice.api("POST", "/api/v1/checkins", json={"mood": 3, "symptoms": [{"id": bobs, "severity": 2}]})
    assert response.status_code == 422
    assert count_checkins(app) == 0


def test_malformed_requests_are_4xx_not_500(app, member):
    token = member.csrf_token()
    not_json = member.http.post("/api/v1/checkins", data="mood=3", headers={"X-CSRFToken": token},
                                content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 415
    broken = member.http.post("/api/v1/checkins", data="{not json", headers={"X-CSRFToken": token},
                              content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "invalid_json"
    array = member.api("POST", "/api/v1/checkins", json=[1, 2])
    assert array.status_code == 400
    huge = member.http.post("/api/v1/checkins", data=b"{" + b" " * (300 * 1024) + b"}",
                            headers={"X-CSRFToken": token}, content_type="application/json")
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "too_large"
    assert member.api("GET", "/api/v1/checkins/not-a-uuid").status_code == 404


def test_api_requires_login(client):
    response = client.api("GET", "/api/v1/checkins")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_idempotent_create_replays_the_first_result(app, member):
    key = str(uuid.uuid4())
    body = {"mood": 2, "note": "written offline"}
    first = member.api("POST", "/api/v1/checkins", json=body, headers={"Idempotency-Key": key})
    again = member.api("POST", "/api/v1/checkins", json=body, headers={"Idempotency-Key": f'"{key}"'})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_checkins(app) == 1


def test_same_key_with_a_different_body_is_422(app, member):
    key = str(uuid.uuid4())
    member.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key})
    response = member.api("POST", "/api/v1/checkins", json={"mood": 5}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert count_checkins(app) == 1


def test_idempotency_keys_are_per_member(app, members):
    alice, bob = members.make(), members.make()
    key = str(uuid.uuid4())
    a = alice.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key})
    b = bob.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key})
    assert a.status_code == b.status_code == 201 and a.get_json()["id"] != b.get_json()["id"]


def test_invalid_idempotency_key_is_400(app, member):
    response = member.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": "abc"})
    assert response.status_code == 400
    assert count_checkins(app) == 0


def test_replay_of_a_deleted_check_in_is_404_and_creates_nothing(app, member):
    key = str(uuid.uuid4())
    created = member.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key}).get_json()
    member.api("DELETE", f"/api/v1/checkins/{created['id']}")
    response = member.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key})
    assert response.status_code == 404
    assert count_checkins(app) == 0


def test_tracked_items_api(app, member):
    med = member.api("POST", "/api/v1/medications", json={"name": "Lithium", "dose": "300 mg"})
    assert med.status_code == 201 and med.get_json()["dose"] == "300 mg"
    med_id = med.get_json()["id"]
    renamed = member.api("PATCH", f"/api/v1/medications/{med_id}", json={"name": "Lithium carbonate",
                                                                         "dose": "400 mg"})
    assert renamed.get_json() == {"id": med_id, "name": "Lithium carbonate", "archived": False, "dose": "400 mg",
                                  "as_needed": False}
    archived = member.api("PATCH", f"/api/v1/medications/{med_id}", json={"archived": True})
    assert archived.get_json()["archived"] is True and archived.get_json()["dose"] == "400 mg"
    assert member.api("POST", "/api/v1/tags", json={"name": ""}).status_code == 422
    assert member.api("POST", "/api/v1/tags", json={"name": "x" * 61}).status_code == 422
    assert member.api("POST", "/api/v1/tags", json={"name": 5}).status_code == 422
    assert member.api("PATCH", f"/api/v1/medications/{med_id}", json={"archived": "yes"}).status_code == 422
    assert member.api("PATCH", f"/api/v1/tags/{uuid.uuid4()}", json={"name": "x"}).status_code == 404


def test_renaming_a_symptom_renames_it_in_past_check_ins(member):
    symptom = add_item(member, "symptoms", "Tiredness")
    entry = make_checkin(member, symptoms=[{"id": symptom, "severity": 2}])
    member.api("PATCH", f"/api/v1/symptoms/{symptom}", json={"name": "Fatigue"})
    assert member.api("GET", f"/api/v1/checkins/{entry['id']}").get_json()["symptoms"][0]["name"] == "Fatigue"


def test_idempotency_keys_expire_after_their_lifetime(app, member):
    from datetime import timedelta

    from sqlalchemy import update

    from journal.entries.models import IdempotencyKey
    from journal.extensions import utcnow

    key = str(uuid.uuid4())
    first = member.api("POST", "/api/v1/checkins", json={"mood": 2}, headers={"Idempotency-Key": key}).get_json()
    with app.app_context():
        db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(days=8)))
        db.session.commit()
    # Past the published 7 days the key is forgotten: the same key now starts a new check-in.
    again = member.api("POST", "/api/v1/checkins", json={"mood": 5}, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]
    assert "Idempotent-Replayed" not in again.headers
    assert count_checkins(app) == 2


def test_purging_old_idempotency_keys(app, member):
    from datetime import timedelta

    from sqlalchemy import update

    from journal.entries.models import IdempotencyKey
    from journal.extensions import utcnow

    for mood in (1, 2):
        member.api("POST", "/api/v1/checkins", json={"mood": mood}, headers={"Idempotency-Key": str(uuid.uuid4())})
    with app.app_context():
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == 1)
                           .values(created_at=utcnow() - timedelta(days=8)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["entries", "purge-idempotency-keys"])
    assert result.exit_code == 0 and "Forgot 1 Idempotency-Keys" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    assert count_checkins(app) == 2  # the check-ins themselves stay
