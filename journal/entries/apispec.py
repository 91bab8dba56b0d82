"""OpenAPI 3.1 description of the journal API (paths and schemas), merged by journal/openapi.py."""
from journal.entries import scales


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


ID = {"type": "string", "format": "uuid"}

AUDIENCE = {
    "type": "object", "additionalProperties": False,
    "description": "Who may see the check-in besides its author. Only me (all false) by default. "
                   "`hide_note_from_peers` shares the scores and symptoms with peers but not the note.",
    "properties": {"peers": {"type": "boolean"}, "clinicians": {"type": "boolean"},
                   "hide_note_from_peers": {"type": "boolean"}},
}

SCHEMAS = {
    "Checkin": {
        "type": "object",
        "description": "A check-in. When `readable` is false the stored ciphertext failed to decrypt "
                       "(it was altered) and every health field is null or empty.",
        "required": ["id", "occurred_at", "timezone", "local_date", "local_time", "readable", "mood",
                     "energy", "pain", "sleep_hours", "symptoms", "tags", "medications", "note", "audience",
                     "created_at", "updated_at"],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "occurred_at": {"type": "string", "format": "date-time", "description": "UTC instant."},
            "timezone": {"type": "string", "description": "IANA zone the member was in."},
            "local_date": {"type": "string", "format": "date", "description": "The member's local day."},
            "local_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "readable": {"type": "boolean"},
            "mood": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "mood_label": _nullable({"type": "string"}),
            "energy": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "energy_label": _nullable({"type": "string"}),
            "pain": _nullable({"type": "integer", "minimum": 0, "maximum": 4}),
            "pain_label": _nullable({"type": "string"}),
            "sleep_hours": _nullable({"type": "number", "minimum": 0, "maximum": 24}),
            "symptoms": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "severity", "severity_label"],
                "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"},
                               "severity": {"type": "integer", "minimum": 0, "maximum": 4},
                               "severity_label": {"type": "string"}}}},
            "tags": {"type": "array", "items": {
                "type": "object", "required": ["id", "name"], "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"}}}},
            "medications": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "dose"], "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"}, "dose": {"type": "string"}}}},
            "note": _nullable({"type": "string", "maxLength": scales.NOTE_MAX}),
            "audience": {**AUDIENCE, "required": ["peers", "clinicians", "hide_note_from_peers"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "CheckinInput": {
        "type": "object",
        "description": "Scales: mood 1–5 (awful … great), energy 1–5 (drained … full), pain and symptom "
                       "severity 0–4 (none, mild, moderate, severe, very severe). Only mood is required.",
        "required": ["mood"],
        "additionalProperties": False,
        "properties": {
            "occurred_at": {"type": "string", "format": "date-time",
                            "description": "With a UTC offset; defaults to now. Not in the future."},
            "timezone": {"type": "string", "description": "IANA zone; defaults to the member's."},
            "mood": {"type": "integer", "minimum": 1, "maximum": 5},
            "energy": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "pain": _nullable({"type": "integer", "minimum": 0, "maximum": 4}),
            "sleep_hours": _nullable({"type": "number", "minimum": 0, "maximum": 24}),
            "symptoms": {"type": "array", "maxItems": scales.SYMPTOMS_MAX, "items": {
                "type": "object", "required": ["id", "severity"],
                "properties": {"id": ID, "severity": {"type": "integer", "minimum": 0, "maximum": 4}}}},
            "tags": {"type": "array", "maxItems": scales.TAGS_MAX, "items": ID},
            "medications": {"type": "array", "maxItems": scales.MEDICATIONS_MAX, "items": {
                "type": "object", "required": ["id"],
                "properties": {"id": ID, "dose": {"type": "string", "maxLength": scales.DOSE_MAX}}}},
            "note": {"type": "string", "maxLength": scales.NOTE_MAX},
            "audience": AUDIENCE,
        },
    },
    "CheckinPage": {
        "type": "object", "required": ["items", "next_cursor"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": _ref("Checkin")},
                       "next_cursor": _nullable({"type": "string"})},
    },
    "TrackedItem": {
        "type": "object", "required": ["id", "name", "archived"], "additionalProperties": False,
        "description": "A symptom, tag or medication the member tracks. Medications also carry `dose`.",
        "properties": {"id": ID, "name": {"type": "string"}, "archived": {"type": "boolean"},
                       "dose": _nullable({"type": "string"})},
    },
    "TrackedItemList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": _ref("TrackedItem")}},
    },
    "TrackedItemInput": {
        "type": "object", "required": ["name"],
        "properties": {"name": {"type": "string", "maxLength": scales.NAME_MAX},
                       "dose": _nullable({"type": "string", "maxLength": scales.DOSE_MAX})},
    },
    "TrackedItemUpdate": {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": scales.NAME_MAX},
                       "dose": _nullable({"type": "string", "maxLength": scales.DOSE_MAX}),
                       "archived": {"type": "boolean"}},
    },
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _errors(*statuses: int) -> dict:
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}


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
                    "responses": {"200": _json("TrackedItemList", f"My {kind}, archived included."),
                                  **_errors(401, 403)}},
            "post": {"summary": f"Start tracking a {label}", "operationId": f"add_{kind}", "tags": ["Tracking"],
                     "security": [{"session": [], "csrf": []}],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": _ref("TrackedItemInput")}}},
                     "responses": {"201": _json("TrackedItem", f"The new {label}."),
                                   **_errors(400, 401, 403, 413, 415, 422)}},
        },
        f"/api/v1/{kind}/{{item_id}}": {
            "parameters": [ITEM_ID],
            "patch": {"summary": f"Rename or archive a {label}", "operationId": f"update_{kind}",
                      "tags": ["Tracking"], "security": [{"session": [], "csrf": []}],
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": _ref("TrackedItemUpdate")}}},
                      "responses": {"200": _json("TrackedItem", f"The updated {label}."),
                                    **_errors(400, 401, 403, 404, 413, 415, 422)}},
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
            "responses": {"200": _json("CheckinPage", "A page of check-ins."), **_errors(400, 401, 403)},
        },
        "post": {
            "summary": "Check in", "operationId": "create_checkin", "tags": ["Check-ins"],
            "security": [{"session": [], "csrf": []}],
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("CheckinInput")}}},
            "responses": {"201": _json("Checkin", "Created (or, for a replayed Idempotency-Key, the first "
                                                  "result; then `Idempotent-Replayed: true`)."),
                          **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
        },
    },
    "/api/v1/checkins/{entry_id}": {
        "parameters": [ENTRY_ID],
        "get": {"summary": "One of my check-ins", "operationId": "get_checkin", "tags": ["Check-ins"],
                "responses": {"200": _json("Checkin", "The check-in."), **_errors(401, 403, 404)}},
        "patch": {"summary": "Change a check-in (fields not sent stay as they are)",
                  "operationId": "update_checkin", "tags": ["Check-ins"],
                  "security": [{"session": [], "csrf": []}],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {**SCHEMAS["CheckinInput"], "required": []}}}},
                  "responses": {"200": _json("Checkin", "The updated check-in."),
                                **_errors(400, 401, 403, 404, 409, 413, 415, 422)}},
        "delete": {"summary": "Delete a check-in", "operationId": "delete_checkin", "tags": ["Check-ins"],
                   "security": [{"session": [], "csrf": []}],
                   "responses": {"204": {"description": "Deleted."}, **_errors(400, 401, 403, 404)}},
    },
    **_item_paths("symptoms"),
    **_item_paths("tags"),
    **_item_paths("medications"),
}
