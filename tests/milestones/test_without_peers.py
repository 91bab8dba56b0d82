"""Milestones stand without peers: the counters work, nothing offers sharing, the peers' page is not there."""
from __future__ import annotations

import pytest

from tests.milestones.conftest import new_counter, text


@pytest.fixture
def config_overrides():
    return {"FEATURES": ("core", "auth", "entries", "pwa", "milestones")}


def test_counters_work_and_nothing_offers_sharing_without_peers(member):
    counter = new_counter(member, "sober", days_ago=8)
    page = text(member.get(f"/milestones/{counter}"))
    assert "<strong>8 days</strong>" in page and "with my peers" not in page and "/peers" not in page
    assert "/peers" not in text(member.get("/milestones/"))
    assert member.get("/milestones/peers").status_code == 404
    assert member.post(f"/milestones/{counter}/share", {"days": "7"}).status_code == 404
