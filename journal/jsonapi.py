"""What every JSON API view shares: reading the request's JSON object and writing times.

`json_body` is the one door JSON comes in by, so it refuses here, once for every endpoint, what no
feature could store or the API document does not allow:

- text no column can hold (journal/storable.py): a lone UTF-16 surrogate such as `"\\ud800"` (legal as a
  JSON escape) or NUL, which would otherwise fail deep inside encryption or the database driver;
- numbers a float cannot hold (`1e400` parses as infinity), and the JavaScript words NaN and Infinity,
  which Python's parser accepts although they are not JSON;
- bodies nested deeper than any request needs (10,000 levels overflow the parser's stack);
- anything the operation's request schema in /api/openapi.json forbids: types (no "3" for 3), enums,
  maxLength, maxItems, minimum/maximum, formats, unknown fields. The document is the contract, and the
  server keeps it; the features' own validation then checks what a schema cannot (a known symptom id, a
  date that is not in the future). A property's `x-message` in the document is what its refusal says
  (the check-in's use the same words as entries/validation.py); otherwise the message is built from
  the broken keyword, and never repeats the value sent.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from functools import cache

from flask import request

from journal import storable
from journal.errors import api_error

MAX_DEPTH = 32  # the deepest documented body is 4 levels; this is generous and keeps every walk shallow
MAX_FIELD_ERRORS = 20  # a body with 10,000 bad items gets a readable answer, not 10,000 messages
TOO_LARGE_NUMBER = "That number is too large."
FORMAT_MESSAGES = {"uuid": "Not a known id.", "date": "A date like 2026-03-08.",
                   "date-time": "A date and time like 2026-03-08T09:30:00+01:00."}
TYPE_NAMES = {"integer": "a whole number", "number": "a number", "string": "text", "boolean": "true or false",
              "array": "a list", "object": "an object", "null": "null"}


class _NotJSON(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NotJSON(name)


def json_body():
    """(the request's JSON object, None), or (None, an error response to return): 415 when it is not JSON,
    400 when it is not a JSON object (or is nested absurdly deep), 422 with a message per field when a
    value cannot be stored or breaks the operation's documented request schema."""
    if not request.is_json:
        return None, api_error(415)
    try:
        body = json.loads(request.get_data(), parse_constant=_refuse_constant)
    except RecursionError:
        return None, api_error(400, "invalid_json", "That JSON is nested too deeply.")
    except ValueError:  # includes undecodable bytes and NaN/Infinity
        return None, api_error(400, "invalid_json", "Send a JSON object.")
    if not isinstance(body, dict):
        return None, api_error(400, "invalid_json", "Send a JSON object.")
    try:
        fields = _unstorable(body) or _schema_problems(body)
    except _TooDeep:
        return None, api_error(400, "invalid_json", "That JSON is nested too deeply.")
    if fields:
        return None, api_error(422, "invalid", "Some fields need another look.", fields)
    return body, None


def query_int(name: str, default: int, low: int, high: int, errors: dict) -> int:
    """A whole-number query parameter from `low` to `high` (`default` when absent), written in ASCII digits
    only: int() alone would also take " 5", "1_0" and "٣". A bad one adds a message to `errors`."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    errors[name] = f"A number from {low} to {high}."
    return default


def iso(value):
    """A date, or an instant in UTC written with a Z; None stays None."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


# --- Values nothing can store ------------------------------------------------------------------------


class _TooDeep(Exception):
    pass


def field_name(path) -> str:
    """`symptoms[0].severity` from ("symptoms", 0, "severity"): how error `fields` name a place in a body."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _unstorable(body: dict) -> dict[str, str]:
    """Per-field messages for text no column can hold (storable.py) and numbers that are not finite; raises
    _TooDeep past MAX_DEPTH. Walked without recursion: the parser already took whatever depth it could."""
    fields: dict[str, str] = {}
    stack = [((), body)]
    while stack and len(fields) < MAX_FIELD_ERRORS:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            raise _TooDeep
        if isinstance(value, str):
            if not storable.storable(value):
                fields[field_name(path)] = storable.MESSAGE
        elif isinstance(value, float):
            if not math.isfinite(value):
                fields[field_name(path)] = TOO_LARGE_NUMBER
        elif isinstance(value, dict):
            for key, item in value.items():
                if not storable.storable(key):
                    fields[field_name(path)] = "A field name holds a character that cannot be stored."
                    break
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
    return fields


# --- The documented request schema -------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_INSTANT = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}:\d{2})\Z", re.ASCII)


def _is_date(value: str) -> bool:
    try:
        return bool(_DATE.match(value)) and date.fromisoformat(value) is not None
    except ValueError:
        return False


def _is_instant(value: str) -> bool:
    """RFC 3339 (what `Date.toISOString()` writes), within what a datetime can hold."""
    match = _INSTANT.match(value)
    if not match:
        return False
    day, clock, offset = match.groups()
    try:
        datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset in 'Zz' else offset}")
    except ValueError:
        return False
    return True


def _format_checker():
    """The formats the document uses, checked the same way whatever optional packages are installed."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("uuid")(lambda value: not isinstance(value, str) or bool(_UUID.match(value)))
    checker.checks("date")(lambda value: not isinstance(value, str) or _is_date(value))
    checker.checks("date-time")(lambda value: not isinstance(value, str) or _is_instant(value))
    return checker



def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


@cache
def _validator(rule: str, method: str):
    """A JSON Schema validator for the documented request body of this route, or None if it has none."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from journal.openapi import document

    doc = document()
    operation = doc["paths"].get(_openapi_path(rule), {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    uri = "urn:peer-journal:openapi"
    registry = Registry().with_resource(uri, Resource.from_contents(doc, default_specification=DRAFT202012))
    pointer = "/".join(part.replace("~", "~0").replace("/", "~1")
                       for part in ("paths", _openapi_path(rule), method.lower(), "requestBody", "content",
                                    "application/json", "schema"))
    return Draft202012Validator({"$ref": f"{uri}#/{pointer}"}, registry=registry, format_checker=_format_checker())


def _schema_problems(body: dict) -> dict[str, str]:
    rule = request.url_rule
    validator = _validator(rule.rule, request.method) if rule is not None else None
    if validator is None:
        return {}
    fields: dict[str, str] = {}
    for error in validator.iter_errors(body):
        for path, message in _described(error):
            fields.setdefault(field_name(path), message)
        if len(fields) >= MAX_FIELD_ERRORS:
            break
    return fields


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _described(error) -> list[tuple[tuple, str]]:
    """(path, message) pairs a person can act on, for one schema error. Never echoes the value sent."""
    path, schema, kind = tuple(error.absolute_path), error.schema, error.validator
    instance = error.instance
    if kind == "required":
        return [((*path, name), "Required.") for name in error.validator_value
                if isinstance(instance, dict) and name not in instance]
    if kind == "additionalProperties":
        known = set(schema.get("properties", {}))
        return [((*path, name), "Unknown field.") for name in instance if name not in known]
    if kind == "anyOf":  # nullable(...): explain the branch that is not null
        for sub in error.context:
            if sub.schema.get("type") != "null":
                return _described(sub)
        return [(path, "Not an accepted value.")]
    return [(path, schema.get("x-message") or _message(kind, schema))]


def _message(kind: str, schema: dict) -> str:
    if kind == "type":
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return "Should be " + " or ".join(TYPE_NAMES.get(t, t) for t in types) + "."
    if kind in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        return f"From {_number(schema['minimum'])} to {_number(schema['maximum'])}."
    if kind == "minimum":
        return f"At least {_number(schema['minimum'])}."
    if kind == "maximum":
        return f"At most {_number(schema['maximum'])}."
    if kind == "maxLength":
        return f"Up to {schema['maxLength']:,} characters."
    if kind == "minLength":
        return "Required." if schema["minLength"] == 1 else f"At least {schema['minLength']} characters."
    if kind == "maxItems":
        return f"Up to {schema['maxItems']} items."
    if kind == "enum":
        choices = schema["enum"]
        return "One of: " + ", ".join(map(str, choices)) + "." if len(choices) <= 8 else \
            "Choose a value from the list."
    if kind == "pattern":
        return "Not in the expected format."
    if kind == "format":
        return FORMAT_MESSAGES.get(schema["format"], "Not in the expected format.")
    return "Not an accepted value."
