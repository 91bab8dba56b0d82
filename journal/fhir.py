"""FHIR R4 export: a `collection` Bundle with one Patient (only the name the reader was given) and one
Observation per measure per check-in.

Written to FHIR R4 (4.0.1) and validated in the tests with the `fhir.resources` R4B models, which are
wire-compatible for Bundle, Patient and Observation. Codes: LOINC only where a code truly fits — sleep
duration, 93832-4 "Sleep duration", in hours. Our pain item is a 0–4 verbal scale, not the 0–10 numeric
rating LOINC 72514-3 describes, so it uses the project code system like mood, energy and symptoms:
`https://peerjournal.app/fhir/CodeSystem/checkin` (codes documented in the README).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from journal import scales
from journal.checkins import MEASURES, CheckinView, Measure

MIMETYPE = "application/fhir+json; fhirVersion=4.0"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PROJECT_SYSTEM = "https://peerjournal.app/fhir/CodeSystem/checkin"
CATEGORY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey", "display": "Survey"}]}
# Stable ids: the same check-in and measure give the same Observation id in every export.
NAMESPACE = uuid.UUID("6f1d8a52-3c55-4c8e-9a0e-0c1f4d6b7e21")

# Every declared scale (journal/checkins.py) has a code of the project system; a quantity has a LOINC
# code where one fits (sleep), or a project code too.
_DISPLAYS = {"pain": "Pain severity, self-rated 0–4"}  # the words a code was first published with
PROJECT_CODES = {
    **{m.key: (_DISPLAYS.get(m.key, f"{m.name}, self-rated {m.low}–{m.high}"), m.scale)
       for m in MEASURES if m.scale},
    "symptom-severity": ("Symptom severity, self-rated 0–4", scales.SEVERITY),
}
LOINC_CODES = {"sleep_hours": ("93832-4", "Sleep duration", "Sleep duration (self-reported hours)")}


def _scale_text(scale: scales.Scale) -> str:
    return ", ".join(f"{v} = {label.lower()}" for v, label, _ in scale.options())


def _effective(view: CheckinView) -> str:
    return view.local.isoformat(timespec="seconds")


def _observation(obs_id: uuid.UUID, patient_ref: str, view: CheckinView, code: dict, value: dict) -> dict:
    return {
        "fullUrl": f"urn:uuid:{obs_id}",
        "resource": {"resourceType": "Observation", "id": str(obs_id), "status": "final",
                     "category": [CATEGORY], "code": code, "subject": {"reference": patient_ref},
                     "effectiveDateTime": _effective(view), **value},
    }


def _project_code(code: str, text: str | None = None) -> dict:
    display, scale = PROJECT_CODES[code]
    return {"coding": [{"system": PROJECT_SYSTEM, "code": code, "display": display}],
            "text": text or f"{display} ({_scale_text(scale)})"}


def _quantity_code(measure: Measure) -> dict:
    if measure.key in LOINC_CODES:
        code, display, text = LOINC_CODES[measure.key]
        return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": text}
    return {"coding": [{"system": PROJECT_SYSTEM, "code": measure.key, "display": measure.heading}],
            "text": measure.heading}


def bundle(views: list[CheckinView], patient_name: str, patient_key: str, now: datetime) -> dict:
    """The Bundle for these check-ins; unreadable (tampered) check-ins are left out, as they have no values."""
    patient_id = uuid.uuid5(NAMESPACE, f"patient:{patient_key}")
    patient_ref = f"urn:uuid:{patient_id}"
    entries = [{"fullUrl": patient_ref,
                "resource": {"resourceType": "Patient", "id": str(patient_id), "name": [{"text": patient_name}]}}]
    for view in views:
        if not view.readable:
            continue

        def oid(measure: str, _view=view) -> uuid.UUID:
            return uuid.uuid5(NAMESPACE, f"{_view.id}:{measure}")

        for measure, value in view.recorded():
            if measure.scale:
                entries.append(_observation(oid(measure.key), patient_ref, view, _project_code(measure.key),
                                            {"valueInteger": value}))
            else:
                entries.append(_observation(oid(measure.stored), patient_ref, view, _quantity_code(measure),
                                            {"valueQuantity": {"value": value, "unit": measure.unit,
                                                               "system": UCUM, "code": measure.unit}}))
        for reading in view.symptoms:
            entries.append(_observation(
                oid(f"symptom:{reading.id}"), patient_ref, view,
                _project_code("symptom-severity", f"{reading.name} severity (0–4: none … very severe)"),
                {"valueInteger": reading.severity}))
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection",
            "timestamp": now.isoformat(timespec="seconds"), "entry": entries}
