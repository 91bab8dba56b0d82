"""OpenAPI 3.1 description of the questionnaires API, merged by openapi.py."""
from journal.apidoc import errors, json_response, nullable, ref
from journal.questionnaires.instruments import INSTRUMENTS

CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "enum": list(INSTRUMENTS)},
        "description": "who5, phq9, gad7, ucla3 or mspss."}

SCHEMAS = {
    "QuestionnaireAnswers": {
        "type": "object", "required": ["answers"], "additionalProperties": False,
        "properties": {"answers": {
            "type": "object", "additionalProperties": {"type": "integer"},
            "description": "Item key (q1, q2, … and, for PHQ-9 and GAD-7, the optional `difficulty`) to the "
                           "value of one of its published answers. Every scored item is required."}},
    },
    "QuestionnaireResult": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "instrument", "taken_at", "total", "band", "band_words", "flags", "subscales",
                     "not_a_diagnosis", "support"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "instrument": {"type": "string", "enum": list(INSTRUMENTS)},
            "taken_at": {"type": "string", "format": "date-time"},
            "total": {"type": "number", "description": "WHO-5: percentage 0–100; MSPSS: mean 1–7; others: sum."},
            "band": {"type": "string"},
            "band_words": {"type": "string"},
            "flags": {"type": "array", "items": {"type": "string", "enum": ["low_item", "item9"]}},
            "subscales": {"type": "object", "additionalProperties": {"type": "number"}},
            "not_a_diagnosis": {"type": "string"},
            "support": nullable({
                "type": "object", "required": ["message", "help_path", "safety_plan_path"],
                "additionalProperties": False,
                "description": "Present when PHQ-9 item 9 is above 0: show it at once, with the crisis lines.",
                "properties": {"message": {"type": "string"}, "help_path": {"type": "string"},
                               "safety_plan_path": nullable({"type": "string"})}}),
        },
    },
    "QuestionnaireResultList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("QuestionnaireResult")}},
    },
}

PATHS = {
    "/api/v1/questionnaires/{code}/responses": {
        "parameters": [CODE],
        "get": {"summary": "My results for one questionnaire, oldest first",
                "operationId": "list_questionnaire_responses",
                "tags": ["Questionnaires"],
                "responses": {"200": json_response("QuestionnaireResultList", "Every result, decrypted for me."),
                              **errors(401, 403, 404)}},
        "post": {"summary": "Take a questionnaire", "operationId": "create_questionnaire_response",
                 "tags": ["Questionnaires"], "security": [{"session": [], "csrf": []}],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref("QuestionnaireAnswers")}}},
                 "responses": {"201": json_response("QuestionnaireResult", "Scored and stored (encrypted)."),
                               **errors(400, 401, 403, 404, 415, 422)}},
    },
}
