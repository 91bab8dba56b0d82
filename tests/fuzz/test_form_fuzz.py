"""A fuzzer for every HTML form: each POST route a page's <form> targets gets hostile values in every field.

The routes come from the app's URL map and the forms from crawling its pages as a visitor, a member, a
clinician and a moderator of the seeded world, so a new form is fuzzed without editing this file (and a
new POST route that no page links to fails here until it has a form, or a reason in EXEMPT). Values:
text with lone surrogates, NUL and control characters, 100,000 characters; numbers out of range and
1e400; dates in year 1 and 9999; choices outside the list, 10,000 of one choice; fields left out or
repeated. The CSRF token stays valid. Never a 5xx.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from journal import create_app
from journal.extensions import db
from tests.conftest import Client, app_config
from tests.fuzz.forms import crawl, filled

pytestmark = pytest.mark.fuzz

# POST routes no form is fuzzed on, and why.
EXEMPT = {
    # Ending the signed-in session is all they do: there is nothing to fuzz but the CSRF token, and doing it
    # would end the fuzzer's own session (tests/auth covers them).
    re.compile(r"^auth\.(logout|sign_out.*)$"): "ends the session",
    # Forms only a flow reaches: a half-signed-in browser (the code step), a mailed single-use link (reset,
    # confirm), an unconfirmed account (resend), two-step set-up under way or on (confirm, turn off). Their
    # hostile input is covered in tests/auth (test_two_factor, test_password_reset, test_email_verification).
    re.compile(r"^auth\.(login_code|reset_password|verify_email|resend_verification|two_factor_confirm"
               r"|two_factor_disable)$"): "reached only through its flow",
    # Importing history: its confirm form exists only on the preview, a page a post answers (the crawler
    # follows links); its hostile input (stale, stolen, missing or oversized sealed files) is covered in
    # tests/entries/test_import.py.
    re.compile(r"^entries\.import_confirm$"): "reached only from the import preview",
    # The SMART Health Link manifest takes JSON from a receiving app, never a form; its hostile bodies (not
    # JSON, bad bytes, deep nesting, wrong types…) are covered in tests/healthlinks/test_link_rules.py.
    re.compile(r"^healthlinks_public\.manifest$"): "a JSON endpoint for receiving apps, not a form",
}
STARTS = {
    "visitor": ["/", "/login", "/register"],
    "member": ["/", "/checkin", "/timeline", "/track", "/account", "/peers/", "/sharing/clinicians/", "/reminders",
               "/milestones/", "/milestones/peers", "/questionnaires/who5/trend", "/sharing/links/"],
    "clinician": ["/", "/clinician/"],
    "moderator": ["/peers/moderation"],
}


def _post_endpoints() -> list[str]:
    """Every POST route outside the JSON API, read from the app's URL map."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_config(Path(tmp), f"sqlite:///{tmp}/routes.sqlite3"))
        endpoints = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                            if "POST" in rule.methods and not rule.rule.startswith("/api/")})
        with app.app_context():
            db.engine.dispose()
    return [e for e in endpoints if not any(pattern.match(e) for pattern in EXEMPT)]


def _endpoint_of(app, url: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(url.split("?")[0], method="POST")[0]
    except (HTTPException, RequestRedirect):
        return None


@pytest.fixture(scope="package")
def site_forms(seeded) -> dict:
    """endpoint -> (who saw it, their client, the first form posting there), crawling as each person."""
    app, world, _ = seeded
    people = {"visitor": Client(app), "member": world.me, "clinician": world.clinician,
              "moderator": world.moderator}
    found = {}
    for who, starts in STARTS.items():
        for form in crawl(people[who], starts):
            endpoint = _endpoint_of(app, form.action)
            if endpoint is not None and endpoint not in found:
                found[endpoint] = (who, people[who], form)
    return found


@pytest.mark.parametrize("endpoint", _post_endpoints())
def test_every_form_survives_hostile_values(site_forms, app, fuzz_settings, endpoint):
    assert endpoint in site_forms, (f"no page has a form posting to {endpoint}: link it from a page the seeded "
                                    "world reaches (tests/seed.py), or say in EXEMPT why it has none")
    who, client, form = site_forms[endpoint]

    @fuzz_settings
    @given(body=filled(form))
    def probe(body):
        response = client.http.post(form.action, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (who, form.action, response.status_code)

    probe()
