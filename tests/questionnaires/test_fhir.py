"""The questionnaire FHIR export: a QuestionnaireResponse per response and an Observation of each total with its
LOINC code where one was verified; validated against the fhir.resources R4B models the project uses."""
from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle

from tests.questionnaires.test_pages import WHO5, phq9, result_path, take

GAD7 = {f"q{n}": "2" for n in range(1, 8)}  # 14: moderate
MSPSS = {f"q{n}": v for n, v in enumerate(["7", "6", "2", "3", "7", "5", "5", "2", "6", "7", "3", "4"], 1)}  # mean 4.75


def test_the_export_validates_and_carries_every_response_and_total(member, client):
    result_path(take(member, "who5", WHO5))
    result_path(take(member, "phq9", phq9(1, difficulty="0")))
    result_path(take(member, "gad7", GAD7))
    result_path(take(member, "mspss", MSPSS))
    response = member.get("/questionnaires/export.fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    body = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(body)  # raises if any resource is invalid R4B
    resources = [e["resource"] for e in body["entry"]]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    observations = {o["code"]["coding"][0]["code"]: o for o in resources if o["resourceType"] == "Observation"}
    assert len(responses) == 4 and len(observations) == 4
    assert observations["44261-6"]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert observations["44261-6"]["valueInteger"] == 9  # eight items at 1, item 9 at 1
    assert observations["70274-6"]["valueInteger"] == 14
    assert observations["who5-total"]["valueQuantity"] == {"value": 64, "unit": "%", "system": "http://unitsofmeasure.org",
                                                           "code": "%"}
    assert observations["mspss-total"]["valueQuantity"]["value"] == 4.75
    assert {c["code"]["text"]: c["valueQuantity"]["value"] for c in observations["mspss-total"]["component"]} == {
        "Significant other subscale (mean)": 6.75, "Family subscale (mean)": 2.5, "Friends subscale (mean)": 5.0}
    phq = next(r for r in responses if r["questionnaire"].endswith("/phq9"))
    answered = {i["linkId"]: i["answer"][0]["valueCoding"]["code"] for i in phq["item"]}
    assert answered["q9"] == "1" and answered["difficulty"] == "0" and len(answered) == 10
    for observation in observations.values():
        assert observation["derivedFrom"][0]["reference"] in {e["fullUrl"] for e in body["entry"]}
    # Only the owner downloads it.
    assert client.get("/questionnaires/export.fhir.json").status_code == 302
