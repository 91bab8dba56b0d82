"""The OpenAPI 3.1 document served at /api/openapi.json, merged from each feature's apispec module."""
import importlib
from functools import cache

from flask import current_app, has_app_context

from journal.errors import MESSAGES

# Which features describe API routes (each in its apispec module), in the document's order.
DESCRIBED = ("entries", "pwa", "clinicians", "push", "peers", "auth", "questionnaires")


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


def document() -> dict:
    """The API description of the current app's features (of every feature outside an app)."""
    built = current_app.extensions["journal.features"] if has_app_context() else DESCRIBED
    return _document(tuple(name for name in DESCRIBED if name in built))


@cache
def _document(features: tuple[str, ...]) -> dict:
    """Built once per process for each set of features: the features' apispec modules never change."""
    paths, schemas = {}, {"Error": ERROR_SCHEMA}
    for name in features:
        spec = importlib.import_module(f"journal.{name}.apispec")
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
