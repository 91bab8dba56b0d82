"""Builders for clinician tests: a clinician with a profile, invitations, redemption."""
from __future__ import annotations

import re

import pytest

from journal.extensions import db

CODE = re.compile(r'id="invite-code"[^>]*value="([^"]+)"')


def make_clinician(members, name="Dr Rivera", **options):
    clinician = members.make(role="clinician", display_name=name, **options)
    response = clinician.post("/clinician/profile", {"profession": "Rheumatologist", "organisation": "City Clinic"})
    assert response.status_code == 302 and response.headers["Location"] == "/clinician/", response.headers

    return clinician


def invite(member, **terms) -> str:
    """Create an invitation through the member's page; return the code shown once."""
    data = {"scope": "shared", "access": "date", "name": "pseudonym", **terms}
    response = member.post("/sharing/clinicians/invitations", data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return CODE.search(response.get_data(as_text=True)).group(1)


def redeem(clinician, code) -> str:
    """Redeem through the page; return the grant id (the patient's URL segment)."""
    response = clinician.post("/clinician/redeem", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def connect(member, clinician, **terms) -> str:
    return redeem(clinician, invite(member, **terms))


def shift_grant(app, grant_id, **columns):
    """Let time pass for one grant (an end date or code expiry in the past) by editing its row."""
    import uuid

    from journal.clinicians.models import ClinicianGrant

    with app.app_context():
        grant = db.session.get(ClinicianGrant, uuid.UUID(grant_id))
        for name, value in columns.items():
            setattr(grant, name, value)
        db.session.commit()


@pytest.fixture
def clinician(members):
    return make_clinician(members)
