"""OpenAPI 3.1 description of the push API (devices, test, snooze, reminder settings), merged by openapi.py."""
from journal.apidoc import errors, json_response, nullable, ref
from journal.push import nudges, services, subscriptions

CLOCK = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "24-hour local time."}
DAY = {"type": "string", "enum": list(nudges.DAY_NAMES)}
STAMP = {"type": "string", "format": "date-time"}
QUIET = {"type": "object", "required": ["start", "end"], "additionalProperties": False,
         "properties": {"start": CLOCK, "end": CLOCK},
         "description": "Quiet hours (may wrap midnight, e.g. 22:00–07:00): no reminders; event notifications "
                        "wait until they end."}
WRITE = {"security": [{"session": [], "csrf": []}]}

SCHEMAS = {
    "VapidPublicKey": {
        "type": "object", "required": ["key", "version"], "additionalProperties": False,
        "properties": {"key": {"type": "string", "description": "base64url uncompressed P-256 point: pass it "
                                                                 "as `applicationServerKey`."},
                       "version": {"type": "integer", "description": "Send it back as `vapid_key_version`. When "
                                                                      "it changes every device must re-subscribe."}},
    },
    "PushSubscriptionInput": {
        "type": "object", "required": ["endpoint", "keys"],
        "description": "`PushSubscription.toJSON()` plus the VAPID key version it was made with. Re-posting a "
                       "known endpoint updates it (and gives the device to the member posting).",
        "properties": {
            "endpoint": {"type": "string", "maxLength": subscriptions.ENDPOINT_MAX,
                         "description": "The push service URL (https)."},
            "expirationTime": nullable({"type": "number"}),
            "keys": {"type": "object", "required": ["p256dh", "auth"],
                     "properties": {"p256dh": {"type": "string", "description": "65-byte uncompressed P-256 "
                                                                                 "point, base64url."},
                                    "auth": {"type": "string", "description": "16 bytes, base64url."}}},
            "vapid_key_version": {"type": "integer"},
            "old_endpoint": nullable({"type": "string", "description": "From `pushsubscriptionchange`: the "
                                                                         "subscription this one replaces."}),
        },
    },
    "PushSubscription": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "label", "push_service", "endpoint", "vapid_key_version", "current", "created_at",
                     "last_success_at"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "label": {"type": "string", "description": "Browser and system, from the User-Agent."},
            "push_service": {"type": "string", "description": "The push service's host."},
            "endpoint": nullable({"type": "string", "description": "Null if the stored record is unreadable."}),
            "vapid_key_version": {"type": "integer"},
            "current": {"type": "boolean", "description": "False: made with an old VAPID key; re-subscribe."},
            "created_at": STAMP,
            "last_success_at": nullable(STAMP),
        },
    },
    "PushSubscriptionList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("PushSubscription")}},
    },
    "Reminders": {
        "type": "object", "additionalProperties": False,
        "required": ["enabled", "times", "days", "timezone", "quiet_hours", "skip_if_checked_in", "paused_until",
                     "next_reminder_at", "backoff"],
        "properties": {
            "enabled": {"type": "boolean"},
            "times": {"type": "array", "maxItems": nudges.MAX_TIMES, "items": CLOCK},
            "days": {"type": "array", "items": DAY},
            "timezone": {"type": "string", "description": "IANA zone the times are in."},
            "quiet_hours": nullable(QUIET),
            "skip_if_checked_in": {"type": "boolean"},
            "paused_until": nullable(STAMP),
            "next_reminder_at": nullable(STAMP),
            "backoff": {
                "type": "object", "required": ["ignored_in_a_row", "every_other_day", "message"],
                "additionalProperties": False,
                "description": "After three reminders in a row with no check-in, reminders come every other "
                               "day until the next check-in.",
                "properties": {"ignored_in_a_row": {"type": "integer", "minimum": 0},
                               "every_other_day": {"type": "boolean"},
                               "message": nullable({"type": "string"})},
            },
        },
    },
    "RemindersUpdate": {
        "type": "object", "additionalProperties": False,
        "description": "Any subset of the settings. `pause_days` pauses reminders until local midnight that many "
                       "days from today (0 resumes).",
        "properties": {
            "enabled": {"type": "boolean"},
            "times": {"type": "array", "maxItems": nudges.MAX_TIMES, "items": CLOCK},
            "days": {"type": "array", "items": DAY},
            "timezone": {"type": "string"},
            "quiet_hours": nullable(QUIET),
            "skip_if_checked_in": {"type": "boolean"},
            "pause_days": {"type": "integer", "minimum": 0, "maximum": services.PAUSE_MAX_DAYS},
        },
    },
}

PATHS = {
    "/api/v1/push/vapid-public-key": {
        "get": {"summary": "The server's VAPID public key", "operationId": "get_vapid_public_key",
                "tags": ["Push"], "security": [],
                "responses": {"200": json_response("VapidPublicKey", "The key and its version.")}},
    },
    "/api/v1/push/subscriptions": {
        "get": {"summary": "My devices", "operationId": "list_push_subscriptions", "tags": ["Push"],
                "responses": {"200": json_response("PushSubscriptionList", "Devices receiving my notifications."),
                              **errors(401)}},
        "post": {"summary": "Register this device for notifications", "operationId": "create_push_subscription",
                 "tags": ["Push"], **WRITE,
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref("PushSubscriptionInput")}}},
                 "responses": {"201": json_response("PushSubscription", "Registered."),
                               "200": json_response("PushSubscription", "Already known: updated."),
                               **errors(400, 401, 409, 413, 415, 422)}},
    },
    "/api/v1/push/subscriptions/{sub_id}": {
        "parameters": [{"name": "sub_id", "in": "path", "required": True,
                        "schema": {"type": "string", "format": "uuid"}}],
        "delete": {"summary": "Remove a device", "operationId": "delete_push_subscription", "tags": ["Push"],
                   **WRITE, "responses": {"204": {"description": "Removed."}, **errors(400, 401, 404)}},
    },
    "/api/v1/push/test": {
        "post": {"summary": "Send a test notification to my devices", "operationId": "send_test_push",
                 "tags": ["Push"], **WRITE,
                 "responses": {"202": {"description": "Queued; the push worker sends it within seconds.",
                                       "content": {"application/json": {"schema": {
                                           "type": "object", "required": ["queued"], "additionalProperties": False,
                                           "properties": {"queued": {"type": "integer", "minimum": 1}}}}}},
                               **errors(400, 401, 409, 429)}},
    },
    "/api/v1/push/snooze": {
        "post": {"summary": "Remind me again later", "operationId": "snooze_reminder", "tags": ["Push"], **WRITE,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"minutes": {
                         "type": "integer", "minimum": 1, "maximum": services.SNOOZE_MAX_MINUTES, "default": 60}}}}}},
                 "responses": {"202": {"description": "A reminder is queued (after quiet hours if they apply).",
                                       "content": {"application/json": {"schema": {
                                           "type": "object", "required": ["due_at"], "additionalProperties": False,
                                           "properties": {"due_at": STAMP}}}}},
                               **errors(400, 401, 403, 409, 413, 415, 422, 429)}},
    },
    "/api/v1/reminders": {
        "get": {"summary": "My reminder settings", "operationId": "get_reminders", "tags": ["Push"],
                "responses": {"200": json_response("Reminders", "Settings and back-off state."), **errors(401, 403)}},
        "put": {"summary": "Change my reminder settings", "operationId": "update_reminders", "tags": ["Push"],
                **WRITE,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref("RemindersUpdate")}}},
                "responses": {"200": json_response("Reminders", "The saved settings."),
                              **errors(400, 401, 403, 409, 413, 415, 422)}},
    },
}
