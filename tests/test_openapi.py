"""The OpenAPI document is valid 3.1 and describes every /api route the app serves."""
import re

from openapi_spec_validator import validate

from journal.openapi import document


def test_document_is_served_and_valid(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_documented(app):
    with app.app_context():
        paths = document()["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == [], f"routes missing from /api/openapi.json: {missing}"


def test_every_documented_operation_exists(app):
    with app.app_context():
        paths = document()["paths"]
    served = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        served |= {(path, m.lower()) for m in rule.methods}
    documented = {(path, method) for path, item in paths.items() for method in item if method != "parameters"}
    assert documented - served == set()


def test_the_checker_catches_an_undocumented_response(app, member, openapi_checker):
    """The automatic response validation used by every API test really fails on a mismatch."""
    import pytest
    from jsonschema import ValidationError

    class Fake:
        status_code = 200
        is_json = True

        def get_json(self):
            return {"items": [{"id": "not-a-checkin"}], "next_cursor": None}

        def get_data(self):
            return b"{}"

    with pytest.raises(ValidationError):
        openapi_checker.check("GET", "/api/v1/checkins", Fake())
    Fake.status_code = 418
    with pytest.raises(AssertionError, match="not documented"):
        openapi_checker.check("GET", "/api/v1/checkins", Fake())
