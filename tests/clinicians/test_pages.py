"""The clinician's pages: filters offer only what is in scope, "since last visit" starts at the last
visit, and the patient list explains its signals."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from journal.audit import AccessLogEntry
from journal.extensions import db
from tests.clinicians.conftest import connect, invite, make_clinician
from tests.conftest import add_item, checkin_time, make_checkin


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
    make_checkin(member, mood=4, occurred_at=checkin_time(6), audience={"clinicians": True}, note="before the visit")
    make_checkin(member, mood=2, occurred_at=checkin_time(1), audience={"clinicians": True}, note="after the visit")
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
    make_checkin(member, mood=3, occurred_at=checkin_time(12), audience={"clinicians": True})
    connect(member, doc)
    page = doc.get("/clinician/").get_data(as_text=True)
    assert "Sunflower" in page
    assert "No check-in for 7 days" in page
    assert "The last check-in shared with clinicians was on" in page and "12 days ago" in page
    patients = doc.api("GET", "/api/v1/clinician/patients").get_json()["items"]
    assert [s["code"] for s in patients[0]["signals"]] == ["no_recent_checkin"]


def test_since_last_visit_signals_look_back_as_far_as_the_dashboards(app, members):
    member = members.make()
    doc = make_clinician(members)
    for days_ago in range(8, 20):
        make_checkin(member, mood=5, occurred_at=checkin_time(days_ago), audience={"clinicians": True})
    for days_ago in range(0, 3):
        make_checkin(member, mood=1, occurred_at=checkin_time(days_ago), audience={"clinicians": True})
    grant_id = connect(member, doc)
    assert "Mood lower than usual" in doc.get(f"/clinician/patients/{grant_id}").get_data(as_text=True)
    with app.app_context():
        for row in db.session.query(AccessLogEntry).all():
            row.created_at = datetime.now(UTC) - timedelta(days=2)
        db.session.commit()
    # A visit two days ago: the summary covers three days, its signals still compare with the weeks before.
    page = doc.get(f"/clinician/patients/{grant_id}/summary").get_data(as_text=True)
    assert "Since your last visit" in page and "<strong>3</strong> check-ins on 3 of 3 days" in page
    assert "Mood lower than usual" in page


def test_since_last_visit_reaches_back_at_most_five_years(app, members):
    member = members.make()
    doc = make_clinician(members)
    make_checkin(member, mood=4, occurred_at=checkin_time(3), audience={"clinicians": True}, note="recent")
    grant_id = connect(member, doc)
    response = doc.get(f"/clinician/patients/{grant_id}/summary?since=0001-01-01")
    assert response.status_code == 200
    earliest = (datetime.now(UTC) - timedelta(days=5 * 366)).date().isoformat()
    assert f'name="since" value="{earliest}"' in response.get_data(as_text=True)
    assert "recent" in response.get_data(as_text=True)


def test_entries_come_in_pages_on_the_page_and_in_the_api(app, members):
    member = members.make()
    doc = make_clinician(members)
    created = [make_checkin(member, mood=3, occurred_at=checkin_time(40 - i), audience={"clinicians": True},
                            note=f"entry number {i:02d}")["id"] for i in range(32)]
    grant_id = connect(member, doc)
    base = f"/clinician/patients/{grant_id}/entries"

    first = doc.get(base).get_data(as_text=True)
    assert "entry number 31" in first and "entry number 02" in first and "entry number 01" not in first
    older = re.search(r'href="([^"]+before=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = doc.get(older).get_data(as_text=True)
    assert "entry number 01" in second and "entry number 00" in second and "entry number 02" not in second
    assert "Older entries" not in second
    assert doc.get(f"{base}?before=not-a-cursor").headers["Location"].endswith(base)

    seen, cursor = [], None
    while True:
        page = doc.api("GET", f"/api/v1/clinician/patients/{grant_id}/checkins?limit=10"
                              + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == created[::-1]  # newest first, each once

    api = f"/api/v1/clinician/patients/{grant_id}/checkins"
    for query, field in (("?cursor=not-a-cursor", "cursor"), ("?limit=0", "limit"), ("?limit=101", "limit"),
                         ("?from=yesterday", "from"), ("?to=2026-13-01", "to")):
        response = doc.api("GET", api + query)
        assert response.status_code == 400, query
        assert list(response.get_json()["error"]["fields"]) == [field], query
    log = member.api("GET", "/api/v1/sharing/access-log").get_json()["items"]
    assert [row["entry_count"] for row in reversed(log)] == [30, 2, 10, 10, 10, 2]


def test_a_new_clinician_opening_an_invitation_link_comes_back_to_it(app, members):
    member = members.make(display_name="Sam")
    bare = members.make(role="clinician", display_name="Dr New")
    code = invite(member)
    first = bare.get(f"/clinician/redeem?code={code}")
    assert first.status_code == 302 and first.headers["Location"] == "/clinician/redeem"
    to_profile = bare.get(first.headers["Location"])
    assert to_profile.status_code == 302 and "/clinician/profile?next=" in to_profile.headers["Location"]
    assert code not in to_profile.headers["Location"]  # the code stays in the session, never in a URL again
    saved = bare.post(to_profile.headers["Location"], {"profession": "GP", "organisation": "Riverside"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/clinician/redeem"
    assert code in bare.get(saved.headers["Location"]).get_data(as_text=True)
    # Elsewhere than this site is never a destination.
    elsewhere = bare.post("/clinician/profile?next=https://evil.example/", {"profession": "GP",
                                                                             "organisation": "Riverside"})
    assert elsewhere.headers["Location"] == "/clinician/"


def test_member_changes_terms_on_the_manage_page_with_errors_explained(app, members):
    member = members.make()
    doc = make_clinician(members)
    grant_id = connect(member, doc, label="my GP", name="real", real_name="Sam Jones")
    page = member.get(f"/sharing/clinicians/{grant_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dr Rivera" in html and "Rheumatologist" in html
    assert 'value="my GP"' in html and 'value="Sam Jones"' in html
    response = member.post(f"/sharing/clinicians/{grant_id}", {"scope": "range", "access": "date",
                                                               "name": "pseudonym"})
    assert response.status_code == 422
    assert "Choose the first day to share." in response.get_data(as_text=True)
    assert doc.api("GET", "/api/v1/clinician/patients").get_json()["items"][0]["name"] == "Sam Jones"


def test_members_read_clinicians_notes_with_who_wrote_them(app, members):
    member = members.make()
    doc = make_clinician(members)
    entry = make_checkin(member, mood=2, audience={"clinicians": True})
    grant_id = connect(member, doc)
    assert doc.post(f"/clinician/patients/{grant_id}/entries/{entry['id']}", {"body": "Try a sleep diary"}
                    ).status_code == 302
    page = member.get("/sharing/clinicians/notes").get_data(as_text=True)
    assert "Dr Rivera</strong>, Rheumatologist" in page and "Try a sleep diary" in page
    assert f'href="/entries/{entry["id"]}"' in page
