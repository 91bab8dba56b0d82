"""OpenAPI 3.1 description of the journal API (paths and schemas), merged by journal/openapi.py."""
from journal import scales
from journal.apidoc import errors, json_response, nullable, ref
from journal.checkins import MEASURES, SEVERITY, Measure
from journal.entries import validation

ID = {"type": "string", "format": "uuid"}

AUDIENCE = {
    "type": "object", "additionalProperties": False,
    "description": "Who may see the check-in besides its author. Only me (all false) by default. "
                   "`hide_note_from_peers` shares the scores and symptoms with peers but not the note.",
    "properties": {"peers": {"type": "boolean"}, "clinicians": {"type": "boolean"},
                   "hide_note_from_peers": {"type": "boolean"}},
}


def _value(measure: Measure) -> dict:
    return {"type": "integer" if measure.scale else "number", "minimum": measure.low, "maximum": measure.high}


def measure_answers() -> dict:
    """Each declared measure in an answer (nullable), with its word when it is on a scale."""
    properties = {}
    for m in MEASURES:
        properties[m.key] = nullable(_value(m))
        if m.scale:
            properties[f"{m.key}_label"] = nullable({"type": "string"})
    return properties


def _measure_inputs() -> dict:
    inputs = {}
    for m in MEASURES:
        schema = _value(m) | {"x-message": m.message}
        inputs[m.key] = schema if m.required else nullable(schema)
    return inputs


def _scale_words() -> str:
    return "; ".join(f"{m.key} {m.low}–{m.high} ({', '.join(m.scale.labels.values()).lower()})"
                     for m in (*MEASURES, SEVERITY) if m.scale)


SCHEMAS = {
    "Checkin": {
        "type": "object",
        "description": "A check-in. When `readable` is false the stored ciphertext failed to decrypt "
                       "(it was altered) and every health field is null or empty.",
        "required": ["id", "occurred_at", "timezone", "local_date", "local_time", "readable",
                     *(m.key for m in MEASURES), "symptoms", "tags", "medications", "note", "audience",
                     "created_at", "updated_at"],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "occurred_at": {"type": "string", "format": "date-time", "description": "UTC instant."},
            "timezone": {"type": "string", "description": "IANA zone the member was in."},
            "local_date": {"type": "string", "format": "date", "description": "The member's local day."},
            "local_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "readable": {"type": "boolean"},
            **measure_answers(),
            "symptoms": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "severity", "severity_label"],
                "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"},
                               "severity": _value(SEVERITY),
                               "severity_label": {"type": "string"}}}},
            "tags": {"type": "array", "items": {
                "type": "object", "required": ["id", "name"], "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"}}}},
            "medications": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "dose"], "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"}, "dose": {"type": "string"}}}},
            "note": nullable({"type": "string", "maxLength": scales.NOTE_MAX}),
            "audience": {**AUDIENCE, "required": ["peers", "clinicians", "hide_note_from_peers"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "CheckinInput": {
        "type": "object",
        "description": f"Scales: {_scale_words()}. Required: "
                       f"{', '.join(m.key for m in MEASURES if m.required)}. "
                       "`x-message` is what a refusal of that field says.",
        "required": [m.key for m in MEASURES if m.required],
        "additionalProperties": False,
        "properties": {
            "occurred_at": {"type": "string", "format": "date-time", "x-message": validation.INSTANT_MESSAGE,
                            "description": "With a UTC offset; defaults to now. Not in the future."},
            "timezone": {"type": "string", "description": "IANA zone; defaults to the member's.",
                         "x-message": validation.ZONE_MESSAGE},
            **_measure_inputs(),
            "symptoms": {"type": "array", "maxItems": scales.SYMPTOMS_MAX, "items": {
                "type": "object", "required": ["id", "severity"],
                "properties": {"id": ID, "severity": _value(SEVERITY) | {"x-message": SEVERITY.message}}},
                "x-message": f"A list of up to {scales.SYMPTOMS_MAX} symptoms with severities."},
            "tags": {"type": "array", "maxItems": scales.TAGS_MAX, "items": ID,
                     "x-message": f"A list of up to {scales.TAGS_MAX} tag ids."},
            "medications": {"type": "array", "maxItems": scales.MEDICATIONS_MAX, "items": {
                "type": "object", "required": ["id"],
                "properties": {"id": ID, "dose": {"type": "string", "maxLength": scales.DOSE_MAX,
                                                  "x-message": f"A dose of up to {scales.DOSE_MAX} characters."}}},
                "x-message": f"A list of up to {scales.MEDICATIONS_MAX} medications."},
            "note": {"type": "string", "maxLength": scales.NOTE_MAX,
                     "x-message": f"Notes can be up to {scales.NOTE_MAX:,} characters."},
            "audience": {**AUDIENCE, "x-message": validation.AUDIENCE_MESSAGE},
        },
    },
    "CheckinPage": {
        "type": "object", "required": ["items", "next_cursor"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("Checkin")},
                       "next_cursor": nullable({"type": "string"})},
    },
    "TrackedItem": {
        "type": "object", "required": ["id", "name", "archived"], "additionalProperties": False,
        "description": "A symptom, tag or medication the member tracks. Medications also carry `dose` and "
                       "`as_needed` (taken when needed rather than on a schedule).",
        "properties": {"id": ID, "name": {"type": "string"}, "archived": {"type": "boolean"},
                       "dose": nullable({"type": "string"}), "as_needed": {"type": "boolean"}},
    },
    "TrackedItemList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("TrackedItem")}},
    },
    "TrackedItemInput": {
        "type": "object", "required": ["name"],
        "properties": {"name": {"type": "string", "maxLength": scales.NAME_MAX},
                       "dose": nullable({"type": "string", "maxLength": scales.DOSE_MAX}),
                       "as_needed": {"type": "boolean"}},
    },
    "TrackedItemUpdate": {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": scales.NAME_MAX},
                       "dose": nullable({"type": "string", "maxLength": scales.DOSE_MAX}),
                       "as_needed": {"type": "boolean"}, "archived": {"type": "boolean"}},
    },
}


ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": ID}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": ID}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string", "format": "uuid"},
    "description": "A client-generated UUID. A replay returns the first result and creates nothing; the same "
                   "key with a different body gets 422; a concurrent duplicate gets 409. Keys are kept 7 days.",
}


def _item_paths(kind: str) -> dict:
    label = kind.rstrip("s")
    return {
        f"/api/v1/{kind}": {
            "get": {"summary": f"List my {kind}", "operationId": f"list_{kind}", "tags": ["Tracking"],
                    "responses": {"200": json_response("TrackedItemList", f"My {kind}, archived included."),
                                  **errors(401, 403)}},
            "post": {"summary": f"Start tracking a {label}", "operationId": f"add_{kind}", "tags": ["Tracking"],
                     "security": [{"session": [], "csrf": []}],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": ref("TrackedItemInput")}}},
                     "responses": {"201": json_response("TrackedItem", f"The new {label}."),
                                   **errors(400, 401, 403, 413, 415, 422)}},
        },
        f"/api/v1/{kind}/{{item_id}}": {
            "parameters": [ITEM_ID],
            "patch": {"summary": f"Rename or archive a {label}", "operationId": f"update_{kind}",
                      "tags": ["Tracking"], "security": [{"session": [], "csrf": []}],
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": ref("TrackedItemUpdate")}}},
                      "responses": {"200": json_response("TrackedItem", f"The updated {label}."),
                                    **errors(400, 401, 403, 404, 413, 415, 422)}},
        },
    }


PATHS = {
    "/api/v1/checkins": {
        "get": {
            "summary": "List my check-ins, newest first", "operationId": "list_checkins", "tags": ["Check-ins"],
            "parameters": [
                {"name": "cursor", "in": "query", "schema": {"type": "string"},
                 "description": "`next_cursor` from the previous page."},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                            "default": 20}},
                {"name": "tag", "in": "query", "schema": ID},
                {"name": "symptom", "in": "query", "schema": ID},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "First local day to include."},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "Last local day to include."},
            ],
            "responses": {"200": json_response("CheckinPage", "A page of check-ins."), **errors(400, 401, 403)},
        },
        "post": {
            "summary": "Check in", "operationId": "create_checkin", "tags": ["Check-ins"],
            "security": [{"session": [], "csrf": []}],
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": ref("CheckinInput")}}},
            "responses": {"201": json_response("Checkin", "Created (or, for a replayed Idempotency-Key, the first "
                                                  "result; then `Idempotent-Replayed: true`)."),
                          **errors(400, 401, 403, 404, 409, 413, 415, 422)},
        },
    },
    "/api/v1/checkins/{entry_id}": {
        "parameters": [ENTRY_ID],
        "get": {"summary": "One of my check-ins", "operationId": "get_checkin", "tags": ["Check-ins"],
                "responses": {"200": json_response("Checkin", "The check-in."), **errors(401, 403, 404)}},
        "patch": {"summary": "Change a check-in (fields not sent stay as they are)",
                  "operationId": "update_checkin", "tags": ["Check-ins"],
                  "security": [{"session": [], "csrf": []}],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {**SCHEMAS["CheckinInput"], "required": []}}}},
                  "responses": {"200": json_response("Checkin", "The updated check-in."),
                                **errors(400, 401, 403, 404, 409, 413, 415, 422)}},
        "delete": {"summary": "Delete a check-in", "operationId": "delete_checkin", "tags": ["Check-ins"],
                   "security": [{"session": [], "csrf": []}],
                   "responses": {"204": {"description": "Deleted."}, **errors(400, 401, 403, 404)}},
    },
    **_item_paths("symptoms"),
    **_item_paths("tags"),
    **_item_paths("medications"),
}
