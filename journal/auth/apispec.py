"""OpenAPI 3.1 description of the account API (signed-in devices), merged by journal/openapi.py."""
from journal.apidoc import errors, json_response, ref

STAMP = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "AccountSession": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "browser", "current", "signed_in_at", "last_seen_at"],
        "description": "A browser where the account is signed in. Only the browser's name and times are kept: "
                       "never its IP address or location.",
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Names the session for ending it; it is "
                                                                      "not the session's secret."},
            "browser": {"type": "string", "description": "Browser and system from the User-Agent at sign-in, "
                                                         "e.g. `Chrome on Android`."},
            "current": {"type": "boolean", "description": "The session making this request."},
            "signed_in_at": STAMP,
            "last_seen_at": {**STAMP, "description": "Updated at most about once a minute."},
        },
    },
    "AccountSessionList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("AccountSession"),
                                 "description": "This session first, then the most recently used."}},
    },
}

PATHS = {
    "/api/v1/account/email-verification": {
        "post": {"summary": "Mail me a new link to confirm my email address",
                 "description": "Until the address is confirmed, connecting with peers, replying to them and "
                                "accepting a clinician's invitation answer 403 with the code `email_unverified`. "
                                "The link works once, for 48 hours. Rate-limited per account.",
                 "operationId": "resend_email_verification", "tags": ["Account"],
                 "security": [{"session": [], "csrf": []}],
                 "responses": {"202": {"description": "A new link is on its way."}, **errors(400, 401, 409, 429)}},
    },
    "/api/v1/account/sessions": {
        "get": {"summary": "My signed-in devices", "operationId": "list_account_sessions", "tags": ["Account"],
                "responses": {"200": json_response("AccountSessionList", "Sessions that still work."),
                              **errors(401)}},
    },
    "/api/v1/account/sessions/{session_id}": {
        "parameters": [{"name": "session_id", "in": "path", "required": True,
                        "schema": {"type": "string", "format": "uuid"}}],
        "delete": {"summary": "Sign out one of my devices",
                   "description": "Ends that session on the server: its cookie stops working at once. Ending "
                                  "the current session logs this client out. Another member's session is a 404.",
                   "operationId": "end_account_session", "tags": ["Account"],
                   "security": [{"session": [], "csrf": []}],
                   "responses": {"204": {"description": "Signed out."}, **errors(400, 401, 404)}},
    },
}
