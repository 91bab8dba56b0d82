"""An app built without peers (and clinicians, push): the report still works, says the changes are not split
by peer connection, and an admin still sees only the report."""
from __future__ import annotations

import pytest

from journal import signals
from tests.programme.conftest import counts_on_page, join

FEATURES = ("core", "auth", "entries", "pwa", "programme")


@pytest.fixture
def config_overrides():
    return {"FEATURES": FEATURES}


def test_the_report_without_peers(app, members, connect_receiver):
    admin = members.make(role="admin")
    counted = [join(members, 10, checkins_days_ago=(1,)) for _ in range(11)]
    connect_receiver(signals.programme_outcomes_requested,
                     lambda member_ids, instrument, window: {i: (3.0, 5.0) for i in member_ids})
    html = admin.get("/admin/programme").get_data(as_text=True)
    assert "not split by\n  peer connection" in html
    assert "Mean change, with at least one peer connection" not in html
    assert "Mean change, all members with both responses" in html
    counts = counts_on_page(html)
    assert "11" in counts and all(c == "suppressed" or int(c) >= 10 for c in counts)
    assert 'href="/admin/programme"' in html  # the nav's Report tab
    assert admin.get("/").headers["Location"] == "/admin/programme"
    assert counted[0].get("/account/programme").status_code == 200


def test_nobody_answers_for_questionnaires(app, members):
    admin = members.make(role="admin")
    html = admin.get("/admin/programme").get_data(as_text=True)
    assert "No questionnaire data (questionnaires not enabled)." in html
