"""Questionnaire results as FHIR R4: a QuestionnaireResponse per response, plus an Observation of its total
(derivedFrom the response), in a `collection` Bundle with one Patient — the SDC/Medplum pattern the team's
reference notes point to. Validated in the tests with the `fhir.resources` R4B models, like journal/fhir.py.

Observation codes: LOINC where a total-score code was verified from a stored source (PHQ-9 44261-6, GAD-7
70274-6: HL7 Personal Health Record IG ValueSet observation-scored-assessment-score-codes and HL7 US PCO
ValueSet prom-target-measures). WHO-5, UCLA-3 and MSPSS totals use the project code system
`https://peerjournal.app/fhir/CodeSystem/questionnaire-score` until a code is verified (README).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from journal.fhir import CATEGORY, LOINC, MIMETYPE, NAMESPACE  # noqa: F401  (MIMETYPE: the views' answer)

QUESTIONNAIRE_BASE = "https://peerjournal.app/fhir/Questionnaire/"
ANSWER_SYSTEM_BASE = "https://peerjournal.app/fhir/CodeSystem/questionnaire-answers/"
SCORE_SYSTEM = "https://peerjournal.app/fhir/CodeSystem/questionnaire-score"
UCUM = "http://unitsofmeasure.org"


def _code(instrument) -> dict:
    if instrument.loinc:
        code, display = instrument.loinc
        return {"coding": [{"system": LOINC, "code": code, "display": display}],
                "text": f"{instrument.short} total score"}
    return {"coding": [{"system": SCORE_SYSTEM, "code": f"{instrument.code}-total",
                        "display": f"{instrument.name} total score"}], "text": f"{instrument.short} total score"}


def _value(instrument, total: float) -> dict:
    if instrument.score_unit == "%":
        return {"valueQuantity": {"value": int(total), "unit": "%", "system": UCUM, "code": "%"}}
    if instrument.code == "mspss":
        return {"valueQuantity": {"value": total, "unit": "mean item score (1–7)"}}
    return {"valueInteger": int(total)}


def response_resources(result, patient_ref: str) -> list[dict]:
    """The QuestionnaireResponse of one result and the Observation of its total, as Bundle entries."""
    instrument = result.instrument
    qr_id = uuid.uuid5(NAMESPACE, f"questionnaire-response:{result.id}")
    obs_id = uuid.uuid5(NAMESPACE, f"questionnaire-total:{result.id}")
    authored = result.local_at.isoformat(timespec="seconds")
    items = []
    for item in instrument.items:
        if item.key not in result.answers:
            continue
        value = result.answers[item.key]
        label = next(o.label for o in item.options if o.value == value)
        items.append({"linkId": item.key, "text": item.text, "answer": [{"valueCoding": {
            "system": f"{ANSWER_SYSTEM_BASE}{instrument.code}", "code": str(value), "display": label}}]})
    qr = {"resourceType": "QuestionnaireResponse", "id": str(qr_id), "status": "completed",
          "questionnaire": f"{QUESTIONNAIRE_BASE}{instrument.code}", "subject": {"reference": patient_ref},
          "authored": authored, "item": items}
    obs = {"resourceType": "Observation", "id": str(obs_id), "status": "final", "category": [CATEGORY],
           "code": _code(instrument), "subject": {"reference": patient_ref}, "effectiveDateTime": authored,
           "derivedFrom": [{"reference": f"urn:uuid:{qr_id}"}], **_value(instrument, result.total),
           "interpretation": [{"text": result.band.name}]}
    if result.subscales:
        obs["component"] = [{"code": {"text": f"{name} subscale (mean)"}, "valueQuantity": {"value": value}}
                            for name, value in result.subscales.items()]
    return [{"fullUrl": f"urn:uuid:{qr_id}", "resource": qr}, {"fullUrl": f"urn:uuid:{obs_id}", "resource": obs}]


def bundle(results, patient_key: str, now: datetime, patient_name: str | None = None) -> dict:
    """A collection Bundle: one Patient, then each result's QuestionnaireResponse and total Observation."""
    patient_id = uuid.uuid5(NAMESPACE, f"patient:{patient_key}")
    patient_ref = f"urn:uuid:{patient_id}"
    patient = {"resourceType": "Patient", "id": str(patient_id)}
    if patient_name:
        patient["name"] = [{"text": patient_name}]
    entries = [{"fullUrl": patient_ref, "resource": patient}]
    for result in results:
        entries.extend(response_resources(result, patient_ref))
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection",
            "timestamp": now.isoformat(timespec="seconds"), "entry": entries}
