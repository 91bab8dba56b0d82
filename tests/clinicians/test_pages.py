"""The clinician's pages: filters offer only what is in scope, "since last visit" starts at the last
visit, and the patient list explains its signals."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from journal.audit import AccessLogEntry
from journal.extensions import db
from tests.clinicians.conftest import connect, make_clinician
from tests.conftest import add_item, make_checkin


def _at(days_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).replace(hour=10, minute=0, second=0,
                                                                  microsecond=0).isoformat()


def test_entry_filters_offer_only_items_used_in_scope(app, members):
    member = members.make()
    doc = make_clinician(members)
    fatigue = add_item(member, "symptoms", "Fatigue")
    secret = add_item(member, "symptoms", "Secret symptom")
    tag = add_item(member, "tags", "Private tag")
    make_checkin(member, mood=2, audience={"clinicians": True}, symptoms=[{"id": fatigue, "severity": 3}],
                 note="with fatigue")
    make_checkin(member, mood=4, audience={"clinicians": True}, note="without")
    make_checkin(member, mood=1, symptoms=[{"id": secret, "severity": 4}], tags=[tag], note="private")
    grant_id = connect(member, doc)
    page = doc.get(f"/clinician/patients/{grant_id}/entries").get_data(as_text=True)
    assert "Fatigue" in page and "Secret symptom" not in page and "Private tag" not in page
    assert "with fatigue" in page and "without" in page and "private" not in page
    filtered = doc.get(f"/clinician/patients/{grant_id}/entries?symptom={fatigue}").get_data(as_text=True)
    assert "with fatigue" in filtered and "without" not in filtered
    # A symptom outside scope is ignored as a filter rather than confirming it exists.
    probe = doc.get(f"/clinician/patients/{grant_id}/entries?symptom={secret}").get_data(as_text=True)
    assert "private" not in probe and "with fatigue" in probe


def test_since_last_visit_starts_on_the_last_day_the_clinician_looked(app, members):
    member = members.make()
    doc = make_clinician(members)
    make_checkin(member, mood=4, occurred_at=_at(6), audience={"clinicians": True}, note="before the visit")
    make_checkin(member, mood=2, occurred_at=_at(1), audience={"clinicians": True}, note="after the visit")
    grant_id = connect(member, doc)
    page = doc.get(f"/clinician/patients/{grant_id}/summary").get_data(as_text=True)
    assert "before the visit" in page  # no earlier visit: the last 30 days
    with app.app_context():
        for row in db.session.query(AccessLogEntry).all():
            row.created_at = datetime.now(UTC) - timedelta(days=3)
        db.session.commit()
    page = doc.get(f"/clinician/patients/{grant_id}/summary").get_data(as_text=True)
    assert "Since your last visit" in page
    assert "after the visit" in page and "before the visit" not in page
    assert "<strong>1</strong> check-in on 1 of 4 days" in page


def test_patient_list_explains_signals(app, members):
    member = members.make(display_name="Sunflower")
    doc = make_clinician(members)
    make_checkin(member, mood=3, occurred_at=_at(12), audience={"clinicians": True})
    connect(member, doc)
    page = doc.get("/clinician/").get_data(as_text=True)
    assert "Sunflower" in page
    assert "No check-in for 7 days" in page
    assert "The last check-in shared with clinicians was on" in page and "12 days ago" in page
    patients = doc.api("GET", "/api/v1/clinician/patients").get_json()["items"]
    assert [s["code"] for s in patients[0]["signals"]] == ["no_recent_checkin"]
