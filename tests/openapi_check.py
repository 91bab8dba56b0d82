"""Checks every API response a test receives against the OpenAPI document the app serves."""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:peer-journal:openapi"


class OpenAPIChecker:
    def __init__(self, document: dict):
        self.document = document
        self.registry = Registry().with_resource(
            DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.templates = [
            (re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), path) for path in document["paths"]
        ]

    def template_for(self, path: str) -> str:
        for pattern, template in self.templates:
            if pattern.match(path):
                return template
        raise AssertionError(f"{path} is not described in the OpenAPI document")

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#/").split("/")
            node = self.document
            for part in pointer:
                node = node[part]
        return node

    def check(self, method: str, path: str, response) -> None:
        template = self.template_for(path)
        operation = self.document["paths"][template].get(method.lower())
        assert operation is not None, f"{method} {template} is not in the OpenAPI document"
        responses = operation["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method} {template} answered {status}, not documented ({list(responses)})"
        described = self._resolve(responses[status])
        content = described.get("content", {}).get("application/json")
        if content is None:
            assert not response.get_data(), f"{method} {template} {status} has an undocumented body"
            return
        assert response.is_json, f"{method} {template} {status} should answer JSON"
        schema = content["schema"]
        if "$ref" in schema:
            schema = {"$ref": DOC_URI + schema["$ref"]}
        else:
            schema = {"$ref": DOC_URI + "#/paths/" + _escape(template) + f"/{method.lower()}/responses/{status}"
                      "/content/application~1json/schema"}
        Draft202012Validator(schema, registry=self.registry).validate(response.get_json())


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")
