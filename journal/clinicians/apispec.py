"""OpenAPI 3.1 description of the clinician sharing API, merged by journal/openapi.py."""
import copy

from journal import entries
from journal.apidoc import errors, json_response, nullable, ref
from journal.audit import ACTIONS

ID = {"type": "string", "format": "uuid"}
DAY = {"type": "string", "format": "date"}
INSTANT = {"type": "string", "format": "date-time"}
SCOPE = {"type": "string", "enum": ["shared", "range"],
         "description": "`shared`: check-ins the member marked for “My clinicians”. `range`: every check-in "
                        "whose local day is within `range_start`…`range_end` (open-ended if `range_end` is null)."}

_shared = copy.deepcopy(entries.API_SCHEMAS["Checkin"])
_shared["properties"].pop("audience")
_shared["required"] = [name for name in _shared["required"] if name != "audience"]
_shared["description"] = ("A check-in shared with the clinician (the note included). The member's audience "
                          "choices are not shown.")

SCHEMAS = {
    "Signal": {
        "type": "object", "required": ["code", "title", "explanation"], "additionalProperties": False,
        "properties": {"code": {"type": "string", "enum": ["mood_drop", "no_recent_checkin", "severe_symptom"]},
                       "title": {"type": "string"}, "explanation": {"type": "string"}},
    },
    "Patient": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "scope", "range_start", "range_end", "access_ends_at", "last_checkin_date",
                     "signals"],
        "properties": {
            "id": {**ID, "description": "The grant's id: use it in the patient's URLs."},
            "name": {"type": "string", "description": "The name the member chose to give this clinician."},
            "scope": SCOPE, "range_start": nullable(DAY), "range_end": nullable(DAY),
            "access_ends_at": nullable({**INSTANT, "description": "Null: until the member revokes."}),
            "last_checkin_date": nullable({**DAY, "description": "The latest check-in in scope."}),
            "signals": {"type": "array", "items": ref("Signal")},
        },
    },
    "PatientList": {"type": "object", "required": ["items"], "additionalProperties": False,
                    "properties": {"items": {"type": "array", "items": ref("Patient")}}},
    "SharedCheckin": _shared,
    "SharedCheckinPage": {
        "type": "object", "required": ["items", "next_cursor"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("SharedCheckin")},
                       "next_cursor": nullable({"type": "string"})},
    },
    "Grant": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "status", "scope", "range_start", "range_end", "last_access_day", "shown_name", "label",
                     "clinician", "code_expires_at", "redeemed_at", "revoked_at", "created_at"],
        "properties": {
            "id": ID,
            "status": {"type": "string", "enum": ["pending", "active", "revoked", "ended", "expired"]},
            "scope": SCOPE, "range_start": nullable(DAY), "range_end": nullable(DAY),
            "last_access_day": nullable({**DAY, "description": "Access lasts through this local day; null: "
                                                                "until revoked."}),
            "shown_name": {"type": "string"}, "label": nullable({"type": "string"}),
            "clinician": nullable({
                "type": "object", "required": ["name", "profession", "organisation"], "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "profession": nullable({"type": "string"}),
                               "organisation": nullable({"type": "string"})}}),
            "code_expires_at": INSTANT, "redeemed_at": nullable(INSTANT), "revoked_at": nullable(INSTANT),
            "created_at": INSTANT,
        },
    },
    "GrantList": {"type": "object", "required": ["items"], "additionalProperties": False,
                  "properties": {"items": {"type": "array", "items": ref("Grant")}}},
    "GrantInput": {
        "type": "object",
        "description": "Terms of access. Defaults: scope `shared`, access for 90 days, the member's display name.",
        "properties": {
            "scope": SCOPE, "range_start": DAY, "range_end": nullable(DAY),
            "ends_on": nullable({**DAY, "description": "Last local day of access; null: until revoked."}),
            "real_name": nullable({"type": "string", "maxLength": 80,
                                    "description": "A name given only to this clinician (stored encrypted)."}),
            "label": nullable({"type": "string", "maxLength": 80, "description": "A note for the member only."}),
        },
    },
    "Invitation": {
        "type": "object", "required": ["grant", "code", "link"], "additionalProperties": False,
        "properties": {"grant": ref("Grant"),
                       "code": {"type": "string", "description": "Shown once; only its hash is stored."},
                       "link": {"type": "string", "format": "uri"}},
    },
    "AccessLog": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["viewer_name", "viewer_role", "action", "entry_count", "first_day", "last_day", "at",
                         "description"],
            "properties": {
                "viewer_name": {"type": "string"}, "viewer_role": {"type": "string"},
                "action": {"type": "string", "enum": list(ACTIONS)},  # every kind of look (journal/audit.py)
                "entry_count": {"type": "integer", "minimum": 0}, "first_day": nullable(DAY),
                "last_day": nullable(DAY), "at": INSTANT, "description": {"type": "string"}}}}},
    },
}

GRANT_ID = {"name": "grant_id", "in": "path", "required": True, "schema": ID}
WRITE = {"security": [{"session": [], "csrf": []}]}

SECOND_FACTOR = ("Clinician accounts need two-step sign-in: until it is set up (Account, Two-step sign-in), this "
                 "answers 403 with the code `second_factor_required`.")

PATHS = {
    "/api/v1/clinician/patients": {
        "get": {"summary": "My patients, with signals worth a look", "operationId": "list_patients",
                "tags": ["Clinicians"], "description": SECOND_FACTOR,
                "responses": {"200": json_response("PatientList", "Live grants, one per member."), **errors(401, 403)}},
    },
    "/api/v1/clinician/patients/{grant_id}/checkins": {
        "parameters": [GRANT_ID],
        "get": {"summary": "A patient's check-ins in scope, newest first (recorded in their access log)",
                "operationId": "list_patient_checkins", "tags": ["Clinicians"], "description": SECOND_FACTOR,
                "parameters": [
                    {"name": "from", "in": "query", "schema": DAY}, {"name": "to", "in": "query", "schema": DAY},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                                "default": 30}}],
                "responses": {"200": json_response("SharedCheckinPage", "A page of check-ins."),
                              **errors(400, 401, 403, 404)}},
    },
    "/api/v1/sharing/clinicians": {
        "get": {"summary": "My invitations and clinicians' access", "operationId": "list_grants",
                "tags": ["Sharing"],
                "responses": {"200": json_response("GrantList", "Newest first."), **errors(401, 403)}},
        "post": {"summary": "Invite a clinician (the code is in this response only)", "operationId": "create_grant",
                 "tags": ["Sharing"], **WRITE,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("GrantInput")}}},
                 "responses": {"201": json_response("Invitation", "The invitation, its code and link."),
                               **errors(400, 401, 403, 413, 415, 422)}},
    },
    "/api/v1/sharing/clinicians/{grant_id}": {
        "parameters": [GRANT_ID],
        "patch": {"summary": "Change the terms (fields not sent stay as they are; applies from the "
                             "clinician's next request)",
                  "operationId": "update_grant", "tags": ["Sharing"], **WRITE,
                  "requestBody": {"required": True, "content": {"application/json": {"schema": ref("GrantInput")}}},
                  "responses": {"200": json_response("Grant", "The grant with its new terms."),
                                **errors(400, 401, 403, 404, 409, 413, 415, 422)}},
    },
    "/api/v1/sharing/clinicians/{grant_id}/revoke": {
        "parameters": [GRANT_ID],
        "post": {"summary": "Revoke access, or cancel an unused invitation", "operationId": "revoke_grant",
                 "tags": ["Sharing"], **WRITE,
                 "responses": {"200": json_response("Grant", "The revoked grant."), **errors(400, 401, 403, 404)}},
    },
    "/api/v1/sharing/access-log": {
        "get": {"summary": "Who has seen my journal", "operationId": "access_log", "tags": ["Sharing"],
                "responses": {"200": json_response("AccessLog", "Newest first, at most 200."), **errors(401, 403)}},
    },
}
