"""Who sees what: a clinician sees exactly the entries in scope, and nothing before redeeming, after
revocation or after the end date. Everyone else's grants, patients and notes are 404s."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from journal.extensions import db
from tests.clinicians.conftest import connect, invite, make_clinician, redeem, shift_grant
from tests.conftest import checkin_time, make_checkin

AUDIENCES = {
    "private": {},
    "clin": {"clinicians": True},
    "peers": {"peers": True},
    "both": {"peers": True, "clinicians": True},
}


def _day(days_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()


def _journal(member) -> dict[str, str]:
    """Entries of every audience five days ago, and two forty days ago."""
    ids = {}
    for name, audience in AUDIENCES.items():
        ids[name] = make_checkin(member, mood=3, note=f"{name} note", occurred_at=checkin_time(5),
                                 audience=audience)["id"]
    ids["private_old"] = make_checkin(member, mood=2, occurred_at=checkin_time(40))["id"]
    ids["clin_old"] = make_checkin(member, mood=2, occurred_at=checkin_time(40), audience={"clinicians": True})["id"]
    return ids


ALL = {"private", "clin", "peers", "both", "private_old", "clin_old"}

CASES = [
    # case, terms, what happens after redemption, entries the clinician sees
    ("shared scope", {"scope": "shared"}, None, {"clin", "both", "clin_old"}),
    ("date range", {"scope": "range", "range_start": -10, "range_end": 0}, None, {"private", "clin", "peers", "both"}),
    ("old range", {"scope": "range", "range_start": -45, "range_end": -30}, None, {"private_old", "clin_old"}),
    ("open range", {"scope": "range", "range_start": -60}, None, ALL),
    ("until revoked", {"scope": "shared", "access": "until_revoked"}, None, {"clin", "both", "clin_old"}),
    ("revoked", {"scope": "shared"}, "revoke", set()),
    ("past end date", {"scope": "shared"}, "end", set()),
    ("never redeemed", {"scope": "shared"}, "unredeemed", set()),
]


def _terms(raw: dict) -> dict:
    terms = dict(raw)
    for key in ("range_start", "range_end"):
        if key in terms:
            terms[key] = _day(-terms[key])
    return terms


@pytest.mark.parametrize(("case", "terms", "then", "visible"), CASES, ids=[c[0] for c in CASES])
def test_clinician_sees_exactly_the_entries_in_scope(app, members, case, terms, then, visible):
    member = members.make(display_name="Sam")
    doc = make_clinician(members)
    ids = _journal(member)
    code = invite(member, **_terms(terms))
    if then == "unredeemed":
        grant_id = member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"][0]["id"]
    else:
        grant_id = redeem(doc, code)
    if then == "revoke":
        assert member.post(f"/sharing/clinicians/{grant_id}/revoke", {"confirm": "1"}).status_code == 302
    if then == "end":
        shift_grant(app, grant_id, ends_at=datetime.now(UTC) - timedelta(minutes=1))

    seen_pages = {name for name, entry_id in ids.items()
                  if doc.get(f"/clinician/patients/{grant_id}/entries/{entry_id}").status_code == 200}
    assert seen_pages == visible

    listing = doc.api("GET", f"/api/v1/clinician/patients/{grant_id}/checkins?limit=100")
    if visible:
        assert listing.status_code == 200
        assert {item["id"] for item in listing.get_json()["items"]} == {ids[n] for n in visible}
        assert all(item["note"] == f"{n} note" for n in visible for item in listing.get_json()["items"]
                   if item["id"] == ids[n] and n in AUDIENCES)
        csv_rows = doc.get(f"/clinician/patients/{grant_id}/export.csv").get_data(as_text=True).strip().splitlines()
        assert len(csv_rows) - 1 == len(visible)
    else:
        assert listing.status_code == 404
        # Access the patient ended (revoked, or its end date passed) says so; one never held is not there.
        gone = 404 if then == "unredeemed" else 410
        for url in ("", "/entries", "/summary", "/export.csv", "/export.fhir.json", "/report"):
            assert doc.get(f"/clinician/patients/{grant_id}{url}").status_code == gone, url
        assert doc.api("GET", "/api/v1/clinician/patients").get_json()["items"] == []

    # The shared access rule (used by every feature) agrees with the pages.
    from journal.accounts import User
    from journal.entries.models import Checkin
    from journal.security import entry_access

    with app.test_request_context():
        viewer = db.session.get(User, doc.user_id)
        viewer.__dict__["is_authenticated"] = True
        decided = {name for name, entry_id in ids.items()
                   if entry_access(viewer, db.session.get(Checkin, uuid.UUID(entry_id))) is not None}
        assert decided == visible
        access = [entry_access(viewer, db.session.get(Checkin, uuid.UUID(ids[n]))) for n in visible]
        assert all(a.relation == "clinician" and a.see_note and not a.may_comment for a in access)


def test_scope_change_and_revocation_apply_on_the_next_request(app, members):
    member = members.make()
    doc = make_clinician(members)
    ids = _journal(member)
    grant_id = connect(member, doc)
    private_url = f"/clinician/patients/{grant_id}/entries/{ids['private']}"
    assert doc.get(private_url).status_code == 404

    response = member.post(f"/sharing/clinicians/{grant_id}", {
        "scope": "range", "range_start": _day(10), "range_end": _day(0), "access": "date", "ends_on": _day(-30),
        "name": "pseudonym"})
    assert response.status_code == 302
    assert doc.get(private_url).status_code == 200
    assert doc.get(f"/clinician/patients/{grant_id}/entries/{ids['clin_old']}").status_code == 404

    assert member.post(f"/sharing/clinicians/{grant_id}/revoke", {"confirm": "1"}).status_code == 302
    assert doc.get(private_url).status_code == 410
    assert doc.get(f"/clinician/patients/{grant_id}").status_code == 410
    # A revoked grant cannot be edited back to life.
    response = member.post(f"/sharing/clinicians/{grant_id}", {"scope": "shared", "access": "until_revoked"})
    assert response.status_code == 302
    assert doc.get(f"/clinician/patients/{grant_id}").status_code == 410


def test_other_people_get_404_for_grants_patients_and_notes(app, members):
    member = members.make()
    other_member = members.make()
    doc = make_clinician(members)
    other_doc = make_clinician(members, name="Dr Other")
    ids = _journal(member)
    grant_id = connect(member, doc)
    entry_url = f"/clinician/patients/{grant_id}/entries/{ids['clin']}"
    assert doc.post(entry_url, {"body": "Discuss sleep next visit"}).status_code == 302

    # Another clinician: the patient, its entries and the note form do not exist.
    for url in (f"/clinician/patients/{grant_id}", entry_url, f"/clinician/patients/{grant_id}/export.csv"):
        assert other_doc.get(url).status_code == 404
    assert other_doc.post(entry_url, {"body": "x"}).status_code == 404
    assert other_doc.api("GET", f"/api/v1/clinician/patients/{grant_id}/checkins").status_code == 404
    assert other_doc.get(f"/clinician/patients/{uuid.uuid4()}").status_code == 404
    assert other_doc.get("/clinician/patients/not-an-id").status_code == 404

    # Another member: the grant does not exist for them, nor can they revoke or change it.
    assert other_member.get(f"/sharing/clinicians/{grant_id}").status_code == 404
    assert other_member.post(f"/sharing/clinicians/{grant_id}/revoke").status_code == 404
    assert other_member.api("POST", f"/api/v1/sharing/clinicians/{grant_id}/revoke").status_code == 404
    assert other_member.api("PATCH", f"/api/v1/sharing/clinicians/{grant_id}", json={"scope": "shared"}
                            ).status_code == 404
    assert other_member.api("GET", "/api/v1/sharing/clinicians").get_json()["items"] == []
    assert "Discuss sleep" not in other_member.get("/sharing/clinicians/notes").get_data(as_text=True)

    # The member reads the note; the clinician sees their own note; nobody else does.
    assert "Discuss sleep next visit" in member.get("/sharing/clinicians/notes").get_data(as_text=True)
    assert "Discuss sleep next visit" in doc.get(entry_url).get_data(as_text=True)

    # Roles: members cannot open clinician pages, clinicians have no sharing pages.
    assert member.get("/clinician/").status_code == 403
    assert member.api("GET", "/api/v1/clinician/patients").status_code == 403
    assert doc.get("/sharing/clinicians/").status_code == 403
    assert doc.api("GET", "/api/v1/sharing/clinicians").status_code == 403


def test_clinician_notes_are_encrypted_under_the_members_key(app, members):
    member = members.make()
    doc = make_clinician(members)
    ids = _journal(member)
    grant_id = connect(member, doc)
    entry_url = f"/clinician/patients/{grant_id}/entries/{ids['clin']}"
    assert doc.post(entry_url, {"body": "Consider a sleep diary"}).status_code == 302
    from sqlalchemy import select

    from journal.clinicians.models import ClinicianGrant, ClinicianNote

    with app.app_context():
        note = db.session.scalar(select(ClinicianNote))
        assert b"sleep diary" not in note.body_ct
        assert note.owner_id == member.user_id
        grant = db.session.scalar(select(ClinicianGrant))
        assert grant.code_hash and len(grant.code_hash) == 32
    assert doc.post(entry_url, {"body": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ClinicianNote)) is None
