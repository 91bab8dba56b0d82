"""The OpenAPI 3.1 document served at /api/openapi.json, merged from each feature's apispec module."""
from functools import cache

from journal.auth import apispec as auth_spec
from journal.clinicians import apispec as clinicians_spec
from journal.entries import apispec as entries_spec
from journal.errors import MESSAGES
from journal.peers import apispec as peers_spec
from journal.push import apispec as push_spec
from journal.pwa import apispec as pwa_spec

FEATURE_SPECS = (entries_spec, pwa_spec, clinicians_spec, push_spec, peers_spec, auth_spec)


def _error_responses() -> dict:
    return {
        f"Error{status}": {
            "description": message,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, (_, message) in MESSAGES.items()
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Per-field messages, e.g. `symptoms[0].severity`."},
            },
        }
    },
}


@cache
def document() -> dict:
    """The whole API description (built once per process)."""
    paths, schemas = {}, {"Error": ERROR_SCHEMA}
    for spec in FEATURE_SPECS:
        paths.update(spec.PATHS)
        schemas.update(spec.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Peer Journal API",
            "version": "1",
            "description": (
                "The JSON API behind Peer Journal. It uses the same login session as the web app "
                "(log in at /login). State-changing requests must send the CSRF token (from the "
                "`csrf-token` meta tag of any page) in an `X-CSRFToken` header. Errors are "
                "`{\"error\": {\"code\", \"message\", \"fields\"}}`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _error_responses(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "pj_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
    }
