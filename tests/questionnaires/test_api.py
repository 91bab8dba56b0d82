"""The questionnaires JSON API: the same scoring, errors and access as the pages (the client fixture checks
every answer against /api/openapi.json)."""
from __future__ import annotations


def test_take_and_list_through_the_api(member):
    # 1+1+1+1+1+1+1+1 + item 9 at 2 = 10: moderate, item 9 flagged with support.
    answers = {**{f"q{n}": 1 for n in range(1, 9)}, "q9": 2, "difficulty": 1}
    response = member.api("POST", "/api/v1/questionnaires/phq9/responses", json={"answers": answers})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["total"], body["band"], body["flags"]) == (10, "Moderate", ["item9"])
    assert "not a suicide-risk assessment" in body["support"]["message"] and body["support"]["help_path"] == "/help"
    assert body["not_a_diagnosis"] == "This is not a diagnosis."
    listed = member.api("GET", "/api/v1/questionnaires/phq9/responses").get_json()["items"]
    assert [r["id"] for r in listed] == [body["id"]]
    calm = member.api("POST", "/api/v1/questionnaires/who5/responses",
                      json={"answers": {"q1": 5, "q2": 5, "q3": 5, "q4": 5, "q5": 5}}).get_json()
    assert (calm["total"], calm["support"]) == (100, None)


def test_missing_answers_are_a_422_naming_them_and_nothing_is_stored(member):
    response = member.api("POST", "/api/v1/questionnaires/gad7/responses", json={"answers": {"q1": 1, "q2": 9}})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"q2", "q3", "q4", "q5", "q6", "q7"}
    assert member.api("GET", "/api/v1/questionnaires/gad7/responses").get_json()["items"] == []


def test_who_may_use_it(members, client):
    owner, other, clinician = members.make(), members.make(), members.make(role="clinician")
    owner.api("POST", "/api/v1/questionnaires/ucla3/responses", json={"answers": {"q1": 3, "q2": 3, "q3": 3}})
    assert other.api("GET", "/api/v1/questionnaires/ucla3/responses").get_json()["items"] == []
    assert clinician.api("GET", "/api/v1/questionnaires/ucla3/responses").status_code == 403
    assert client.api("GET", "/api/v1/questionnaires/ucla3/responses").status_code == 401
    assert owner.api("GET", "/api/v1/questionnaires/nope/responses", check=False).status_code == 404
