"""The plain-language privacy page: public, linked from every page, and true to the deployment's settings."""
from __future__ import annotations

import pytest

from journal.accounts import PRIVACY_VERSION


def test_the_privacy_page_is_public_and_says_what_members_ask(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = " ".join(response.get_data(as_text=True).split())
    for promise in ("Encrypted.", "Not encrypted", "encryption <em>at rest</em>, not end-to-end", "Peers", "Clinicians",
                    "Moderators", "The people who run this server", "notification service", "Delete your account",
                    "up to 30 days", "never your IP address"):
        assert promise in html, promise
    assert f"Version {PRIVACY_VERSION}" in html
    for new in ("Questionnaires, if you take them", "Your milestones", "Health links you make"):
        assert new in html, new


@pytest.mark.parametrize("config_overrides", [{"BACKUP_RETENTION_DAYS": 7,
                                               "PRIVACY_CONTACT": "privacy@clinic.example"}])
def test_the_privacy_page_tells_this_deployments_backup_days_and_contact(client):
    html = " ".join(client.get("/privacy").get_data(as_text=True).split())
    assert "up to 7 days" in html and "mailto:privacy@clinic.example" in html


def test_every_page_links_to_privacy(client, members):
    member = members.make()
    for who, path in ((client, "/"), (client, "/login"), (client, "/register"), (client, "/help"),
                      (member, "/timeline"), (member, "/account")):
        assert 'href="/privacy"' in who.get(path).get_data(as_text=True), path
