"""The plan stands without the clinicians feature: an app built without it keeps and shows plans, and simply
offers no sharing."""
from __future__ import annotations

import pytest

from tests.safetyplan.conftest import CANARY, write_plan


@pytest.fixture
def config_overrides():
    return {"FEATURES": ("core", "auth", "entries", "pwa", "safetyplan")}


def test_a_plan_without_clinicians_has_no_sharing(member):
    write_plan(member)
    page = member.get("/safety-plan").get_data(as_text=True)
    assert CANARY in page and "Share with a clinician" not in page
    assert member.post("/safety-plan/sharing", {"grant_id": "x"}).status_code == 302
    assert 'href="/safety-plan"' in member.get("/help").get_data(as_text=True)
