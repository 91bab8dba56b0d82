"""Invitations: random single-use codes stored hashed, 7-day expiry, rate-limited redemption, the name
the clinician is given, and the member's API for grants."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from journal.extensions import db
from tests.clinicians.conftest import CODE, invite, make_clinician, redeem, shift_grant


@pytest.fixture
def config_overrides():
    # RATELIMIT_ENABLED explicitly: Flask-Limiter's shared instance keeps the last app's setting otherwise.
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_REDEEM_ACCOUNT": "3 per hour", "RATELIMIT_REDEEM_IP": "5 per hour"}


def _grant_id(member) -> str:
    return member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]["id"]


def test_code_is_random_shown_once_and_stored_only_hashed(app, members):
    member = members.make()
    page = member.post("/sharing/clinicians/invitations", {"scope": "shared", "access": "date", "name": "pseudonym"})
    html = page.get_data(as_text=True)
    code = CODE.search(html).group(1)
    assert len(code) >= 22  # at least 128 bits of base64url
    assert f"/clinician/redeem?code={code}" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert code not in member.get("/sharing/clinicians/").get_data(as_text=True)
    assert code != invite(member)
    from sqlalchemy import select

    from journal import crypto
    from journal.clinicians.models import ClinicianGrant

    with app.app_context():
        stored = db.session.scalars(select(ClinicianGrant)).all()
        assert crypto.hash_token(code) in {g.code_hash for g in stored}
        for grant in stored:
            for column in grant.__table__.columns:
                value = getattr(grant, column.key)
                assert code not in str(value) and code.encode() not in (value if isinstance(value, bytes) else b"")


def test_codes_are_single_use(app, members):
    member = members.make()
    doc, other = make_clinician(members), make_clinician(members, name="Dr Other")
    code = invite(member)
    redeem(doc, code)
    response = other.post("/clinician/redeem", {"code": code})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert other.api("GET", "/api/v1/clinician/patients").get_json()["items"] == []
    # Redeeming again does not create a second connection either.
    assert doc.post("/clinician/redeem", {"code": code}).status_code == 400
    assert len(doc.api("GET", "/api/v1/clinician/patients").get_json()["items"]) == 1


def test_codes_expire_after_seven_days_and_cancelled_codes_fail(app, members):
    member = members.make()
    doc = make_clinician(members)
    code = invite(member)
    grant_id = _grant_id(member)
    item = member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]
    expires = datetime.fromisoformat(item["code_expires_at"].replace("Z", "+00:00"))
    created = datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
    assert expires - created == timedelta(days=7)
    shift_grant(app, grant_id, code_expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert doc.post("/clinician/redeem", {"code": code}).status_code == 400
    assert member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]["status"] == "expired"

    cancelled = invite(member)
    cancelled_id = _grant_id(member)
    assert member.post(f"/sharing/clinicians/{cancelled_id}/revoke", {"confirm": "1"}).status_code == 302
    assert doc.post("/clinician/redeem", {"code": cancelled}).status_code == 400
    assert doc.api("GET", "/api/v1/clinician/patients").get_json()["items"] == []


def test_opening_the_link_does_not_use_the_code(app, members):
    member = members.make()
    doc = make_clinician(members)
    code = invite(member)
    first = doc.get(f"/clinician/redeem?code={code}")
    assert first.status_code == 302 and first.headers["Location"] == "/clinician/redeem"  # off the URL
    page = doc.get("/clinician/redeem")
    assert page.status_code == 200 and code in page.get_data(as_text=True)
    assert doc.api("GET", "/api/v1/clinician/patients").get_json()["items"] == []
    redeem(doc, code)


def test_redemption_is_rate_limited_per_account(app, members):
    doc = make_clinician(members)
    for i in range(3):
        response = doc.post("/clinician/redeem", {"code": f"wrong-code-number-{i:04d}"},
                            environ_base={"REMOTE_ADDR": f"10.0.1.{i}"})
        assert response.status_code == 400
    response = doc.post("/clinician/redeem", {"code": "wrong-code-number-9999"},
                        environ_base={"REMOTE_ADDR": "10.0.1.99"})
    assert response.status_code == 429


def test_redemption_is_rate_limited_per_ip(app, members):
    doctors = [make_clinician(members, name=f"Dr {n}") for n in "ABC"]
    attempts = [doctors[0], doctors[0], doctors[1], doctors[1], doctors[2]]
    for doc in attempts:
        assert doc.post("/clinician/redeem", {"code": "not-a-real-code-at-all"},
                        environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 400
    assert doctors[2].post("/clinician/redeem", {"code": "not-a-real-code-at-all"},
                           environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 429


def test_clinician_needs_a_profile_and_a_member_cannot_redeem(app, members, monkeypatch):
    member = members.make(display_name="Sam")
    bare = members.make(role="clinician", display_name="Dr New")
    assert bare.get("/clinician/").headers["Location"].endswith("/clinician/profile")
    assert bare.get("/").headers["Location"].endswith("/clinician/")
    code = invite(member)
    assert bare.post("/clinician/redeem", {"code": code}).status_code == 302  # sent to the profile form
    assert bare.api("GET", "/api/v1/clinician/patients").get_json()["items"] == []
    assert members.make().post("/clinician/redeem", {"code": code}).status_code == 403

    sent = []
    from journal import signals

    def heard(sender, user_id, event, path):
        sent.append((user_id, event, path))

    assert bare.post("/clinician/profile", {"profession": "GP", "organisation": "Riverside Practice"}
                     ).status_code == 302
    with signals.member_notified.connected_to(heard, app):
        grant_id = redeem(bare, code)
    assert sent == [(member.user_id, "clinician_joined", "/sharing/clinicians/")]
    page = member.get("/sharing/clinicians/").get_data(as_text=True)
    assert "Dr New" in page and "GP" in page and "Riverside Practice" in page
    assert grant_id in page


def test_the_clinician_sees_only_the_name_they_were_given(app, members):
    member = members.make(display_name="Sunflower")
    doc, other = make_clinician(members), make_clinician(members, name="Dr Other")
    redeem(doc, invite(member, name="real", real_name="Samira Haddad"))
    redeem(other, invite(member))
    assert [p["name"] for p in doc.api("GET", "/api/v1/clinician/patients").get_json()["items"]] == ["Samira Haddad"]
    assert [p["name"] for p in other.api("GET", "/api/v1/clinician/patients").get_json()["items"]] == ["Sunflower"]
    assert "Samira" not in other.get("/clinician/").get_data(as_text=True)
    from sqlalchemy import select

    from journal.clinicians.models import ClinicianGrant

    with app.app_context():
        assert all(b"Samira" not in (g.name_ct or b"") for g in db.session.scalars(select(ClinicianGrant)))


def test_invitation_form_errors_are_explained(app, members):
    member = members.make()
    response = member.post("/sharing/clinicians/invitations", {
        "scope": "range", "range_start": "2026-03-09", "range_end": "2026-03-01", "access": "date",
        "ends_on": "2001-01-01", "name": "real", "real_name": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The last day comes after the first." in html
    assert "Choose today or a later day" in html
    assert "Type the name this clinician should see." in html

    # The last day there is has no day after it for access to end on: refused, not a server error.
    response = member.post("/sharing/clinicians/invitations", {"scope": "shared", "access": "date",
                                                                "ends_on": "9999-12-31", "name": "pseudonym"})
    assert response.status_code == 422
    assert "Choose an earlier day, or “until I revoke”." in response.get_data(as_text=True)
    response = member.api("POST", "/api/v1/sharing/clinicians", json={"ends_on": "9999-12-31"})
    assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == ["ends_on"]
    assert member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"] == []


def test_default_access_lasts_90_days_and_until_revoked_is_open(app, members):
    member = members.make()
    invite(member)
    item = member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]
    assert date.fromisoformat(item["last_access_day"]) == datetime.now(UTC).date() + timedelta(days=90)
    invite(member, access="until_revoked")
    item = member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]
    assert item["last_access_day"] is None


def test_member_api_creates_changes_and_revokes_grants(app, members):
    member = members.make(display_name="Sam")
    doc = make_clinician(members)
    created = member.api("POST", "/api/v1/sharing/clinicians", json={"ends_on": None, "label": "my GP"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["grant"]["status"] == "pending" and body["grant"]["label"] == "my GP"
    assert body["grant"]["last_access_day"] is None
    grant_id = redeem(doc, body["code"])
    assert grant_id == body["grant"]["id"]

    bad = member.api("PATCH", f"/api/v1/sharing/clinicians/{grant_id}", json={"scope": "range"})
    assert bad.status_code == 422 and "range_start" in bad.get_json()["error"]["fields"]
    changed = member.api("PATCH", f"/api/v1/sharing/clinicians/{grant_id}",
                         json={"scope": "range", "range_start": "2026-01-01", "real_name": "Sam Jones"})
    assert changed.status_code == 200
    assert changed.get_json()["scope"] == "range" and changed.get_json()["shown_name"] == "Sam Jones"
    assert changed.get_json()["clinician"] == {"name": "Dr Rivera", "profession": "Rheumatologist",
                                               "organisation": "City Clinic"}
    assert doc.api("GET", "/api/v1/clinician/patients").get_json()["items"][0]["name"] == "Sam Jones"
    kept = member.api("PATCH", f"/api/v1/sharing/clinicians/{grant_id}", json={"range_end": "2026-02-01"})
    assert kept.status_code == 200
    assert (kept.get_json()["shown_name"], kept.get_json()["label"], kept.get_json()["range_start"],
            kept.get_json()["last_access_day"]) == ("Sam Jones", "my GP", "2026-01-01", None)

    revoked = member.api("POST", f"/api/v1/sharing/clinicians/{grant_id}/revoke")
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert doc.api("GET", f"/api/v1/clinician/patients/{grant_id}/checkins").status_code == 404
    assert member.api("PATCH", f"/api/v1/sharing/clinicians/{grant_id}", json={"scope": "shared"}
                      ).status_code == 409
    assert member.api("POST", "/api/v1/sharing/clinicians", data="x", content_type="text/plain").status_code == 415
