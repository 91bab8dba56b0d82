"""Building blocks every feature's apispec.py uses to describe its part of the OpenAPI document
(journal/openapi.py merges the parts)."""


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def json_response(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def errors(*statuses: int) -> dict:
    """References to the shared error responses (journal/openapi.py defines one per status)."""
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}
