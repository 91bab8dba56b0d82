"""Property-based fuzzing of every operation in /api/openapi.json (schemathesis, in-process over WSGI).

A signed-in member (a clinician for the clinician's own routes) with a CSRF token sends generated
requests: data that fits the document (with real ids in the path, so requests get past 404) and data
that does not. Every answer must be no 5xx, a status the document lists, the documented content type and
a body matching its schema; data that breaks the document must be refused with a 4xx. The operations
come from the document itself, so a new endpoint is fuzzed without editing this file.
"""
from __future__ import annotations

import copy
import json

import pytest
import schemathesis
from hypothesis import given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from journal.openapi import document

pytestmark = pytest.mark.fuzz

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
OPERATIONS = [(path, method) for path, item in document()["paths"].items() for method in item
              if method != "parameters"]


def _takes_input(path: str, method: str) -> bool:
    """Whether an operation has anything to send wrong (parameters or a body): negative data needs it."""
    item = document()["paths"][path]
    return bool(item.get("parameters") or item[method].get("parameters") or item[method].get("requestBody"))


CASES = [(path, method, mode) for path, method in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode.is_positive or _takes_input(path, method)]


def _schema_without_security():
    """The document minus its security schemes: the session cookie and CSRF header come from the signed-in
    test client, and are not parameters for schemathesis to generate or leave out (tests/auth covers
    what happens without them)."""
    doc = copy.deepcopy(document())
    doc.pop("security", None)
    doc["components"].pop("securitySchemes", None)
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return schemathesis.openapi.from_dict(doc)


def _path_parameters(path: str) -> list[str]:
    item = document()["paths"][path]
    return [p["name"] for p in item.get("parameters", []) if p["in"] == "path"]


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{m.upper()} {p} {g}" for p, m, g in CASES])
def test_every_operation_keeps_to_the_document(app, world, fuzz_settings, path, method, mode):
    operation = _schema_without_security()[path][method.upper()]
    client = world.clinician if path.startswith("/api/v1/clinician/") else world.me
    headers = {"X-CSRFToken": client.csrf_token()}
    # Real ids where the data fits the document; made-up (and malformed) ones where it need not.
    fixed = {name: world.ids()[name] for name in _path_parameters(path)} if mode.is_positive else None
    strategy = operation.as_strategy(mode, path_parameters=fixed)

    @fuzz_settings
    @given(case=strategy)
    def probe(case):
        response = case.call(app=app, session=client.http, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    probe()


# --- The hostile JSON an outside probe sent, as explicit cases for every operation that takes a body ------

DEEP = '{"a":' * 10_000 + "1" + "}" * 10_000


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = document()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _kinds(schema: dict) -> set[str]:
    schema = _resolve(schema)
    kinds = set(schema["type"]) if isinstance(schema.get("type"), list) else {schema.get("type")}
    if "enum" in schema:
        kinds |= {type(v).__name__.replace("str", "string").replace("int", "integer") for v in schema["enum"]}
    for branch in schema.get("anyOf", []):
        kinds |= _kinds(branch)
    return kinds - {None, "null"}


def hostile_bodies(path: str, method: str):
    """(label, raw JSON text): a lone surrogate in every text property, 1e400 in every number, 10,000
    items in every list, and a body nested 10,000 levels."""
    body = document()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    for name, schema in _resolve(body).get("properties", {}).items():
        kinds = _kinds(schema)
        if "string" in kinds:
            yield f"{name}=surrogate", json.dumps({name: "x\ud800"})  # written as the escape \\ud800
        if kinds & {"integer", "number"}:
            yield f"{name}=1e400", json.dumps({name: 0}).replace("0}", "1e400}")
        if "array" in kinds:
            yield f"{name}=10000 items", json.dumps({name: ["x"] * 10_000})
    yield "nested 10000 deep", DEEP


BODY_OPERATIONS = [(path, method) for path, method in OPERATIONS
                   if "requestBody" in document()["paths"][path][method]]


@pytest.mark.parametrize(("path", "method"), BODY_OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in BODY_OPERATIONS])
def test_hostile_json_is_refused_within_the_document(app, world, path, method):
    client = world.clinician if path.startswith("/api/v1/clinician/") else world.me
    url = path.format(**world.ids())
    token = client.csrf_token()
    for label, body in hostile_bodies(path, method):
        response = client.http.open(url, method=method.upper(), data=body.encode(), content_type="application/json",
                                    headers={"X-CSRFToken": token})
        assert 400 <= response.status_code < 500, (label, response.status_code, response.get_data(as_text=True))
        client.checker.check(method, url, response)
