"""OpenAPI description of the installable app's one API route: a fresh CSRF token for offline replays."""

SCHEMAS = {
    "CsrfToken": {
        "type": "object",
        "description": "A CSRF token for the signed-in session, and an opaque tag of the account it belongs "
                       "to (the offline queue replays check-ins only into the account that saved them).",
        "required": ["csrf_token", "account"],
        "additionalProperties": False,
        "properties": {"csrf_token": {"type": "string", "minLength": 1}, "account": {"type": "string"}},
    },
}

PATHS = {
    "/api/v1/csrf-token": {
        "get": {
            "summary": "A fresh CSRF token", "operationId": "get_csrf_token", "tags": ["App"],
            "description": "For requests made long after the page loaded, e.g. check-ins queued offline and "
                           "replayed later, or the service worker's snooze and re-subscribe calls. Send it "
                           "as `X-CSRFToken`.",
            "responses": {
                "200": {"description": "The token.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CsrfToken"}}}},
                "401": {"$ref": "#/components/responses/Error401"},
            },
        }
    }
}
