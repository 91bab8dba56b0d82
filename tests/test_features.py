"""The journal stands alone: an app built without peers, clinicians and push (FEATURES) still lets a member
check in, read the timeline, open, edit and delete an entry, and export their journal."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import Client

JOURNAL_ALONE = ("core", "auth", "entries", "pwa")


@pytest.fixture
def config_overrides():
    return {"FEATURES": JOURNAL_ALONE}


def test_the_journal_works_without_peers_clinicians_and_push(app, openapi_checker):
    assert not {"peers.feed", "clinicians.index", "push.reminders"} & set(app.view_functions)
    member = Client(app, openapi_checker)
    assert member.register("alone@example.org").status_code == 302
    assert member.post("/checkin", {"mood": "2", "note": "on my own"}).status_code == 302
    timeline = member.get("/timeline").get_data(as_text=True)
    assert "on my own" in timeline and "/peers" not in timeline and "/clinician" not in timeline
    entry_id = re.search(r'href="/entries/([0-9a-f-]{36})"', timeline).group(1)
    page = member.get(f"/entries/{entry_id}")
    assert page.status_code == 200 and "Share with my peers" not in page.get_data(as_text=True)
    assert member.post(f"/entries/{entry_id}/edit", {"mood": "4", "note": "better", "timezone": "UTC"}
                       ).status_code == 302
    for path in ("/", "/checkin", "/track", "/account", "/help", "/privacy", "/journal/calendar", "/sw.js",
                 "/manifest.webmanifest", "/offline"):
        assert member.get(path).status_code in (200, 302), path
    export = member.get("/journal/export.csv")
    assert export.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert row["note"] == "better"
    assert member.get("/journal/export.fhir.json").status_code == 200
    assert member.post(f"/entries/{entry_id}/delete").status_code == 302
    assert "better" not in member.get("/timeline").get_data(as_text=True)
    described = member.api("GET", "/api/openapi.json", check=False).get_json()["paths"]
    assert "/api/v1/checkins" in described
    assert not [p for p in described if p.startswith(("/api/v1/peers", "/api/v1/clinician", "/api/v1/sharing",
                                                      "/api/v1/push", "/api/v1/reminders"))]
