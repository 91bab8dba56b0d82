"""The questionnaires API under /api/v1 (documented in journal/questionnaires/apispec.py): take one, list my
results. The same services as the pages; the same rules (owner only, nothing stored for incomplete answers)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from journal.domain import ValidationError
from journal.errors import api_error
from journal.extensions import utcnow
from journal.jsonapi import iso, json_body
from journal.questionnaires import services
from journal.questionnaires.instruments import INSTRUMENTS
from journal.security import JOURNAL_KEEPERS, roles_only

bp = Blueprint("questionnaires_api", __name__)
keepers_only = roles_only(JOURNAL_KEEPERS, api_message="Questionnaires are for member accounts.")
SUPPORT = ("You said you have had thoughts that you would be better off dead or of hurting yourself. People are "
           "ready to listen, any time: see the crisis lines. This questionnaire is not a suicide-risk assessment; "
           "nobody else has been told.")


def result_json(result) -> dict:
    from journal.questionnaires.views import safety_plan_url

    body = {"id": str(result.id), "instrument": result.instrument.code, "taken_at": iso(result.taken_at),
            "total": result.total, "band": result.band.name, "band_words": result.band.words,
            "flags": list(result.flags), "subscales": result.subscales,
            "not_a_diagnosis": "This is not a diagnosis.", "support": None}
    if result.item9:
        body["support"] = {"message": SUPPORT, "help_path": "/help", "safety_plan_path": safety_plan_url()}
    return body


@bp.get("/questionnaires/<code>/responses")
@keepers_only
def list_responses(code):
    if code not in INSTRUMENTS:
        return api_error(404)
    return jsonify({"items": [result_json(r) for r in services.results(current_user, code)]})


@bp.post("/questionnaires/<code>/responses")
@keepers_only
def create_response(code):
    if code not in INSTRUMENTS:
        return api_error(404)
    body, error = json_body()
    if error:
        return error
    answers = {key: str(value) for key, value in (body.get("answers") or {}).items()}
    try:
        result = services.submit(current_user, code, answers, utcnow())
    except ValidationError as exc:
        return api_error(422, "invalid", exc.message, exc.fields)
    return jsonify(result_json(result)), 201
