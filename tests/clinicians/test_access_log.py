"""Every clinician look at a patient's entries, and every export, lands in the member's access log,
told in words."""
from __future__ import annotations

from datetime import date

from journal.audit import AccessLogEntry
from journal.clinicians.accesslog import describe
from journal.extensions import utcnow
from tests.clinicians.conftest import connect, make_clinician
from tests.conftest import make_checkin

LOOKS = [
    ("", "dashboard"),
    ("?days=7", "dashboard"),
    ("/entries", "entries"),
    ("/summary", "entries"),
    ("/export.csv", "export_csv"),
    ("/export.fhir.json", "export_fhir"),
    ("/report", "report"),
    ("/report?days=90&download=1", "report"),
]


def test_every_view_and_export_is_in_the_members_access_log(app, members):
    member = members.make()
    doc = make_clinician(members)
    first = make_checkin(member, mood=2, audience={"clinicians": True})
    make_checkin(member, mood=4, audience={"clinicians": True})
    make_checkin(member, mood=5)  # private: never counted
    grant_id = connect(member, doc)
    base = f"/clinician/patients/{grant_id}"

    expected = []
    for suffix, action in LOOKS:
        assert doc.get(base + suffix).status_code == 200, suffix
        expected.append((action, 2))
    assert doc.get(f"{base}/entries/{first['id']}").status_code == 200
    expected.append(("entry", 1))
    assert doc.api("GET", f"/api/v1/clinician/patients/{grant_id}/checkins").status_code == 200
    expected.append(("entries", 2))

    log = member.api("GET", "/api/v1/sharing/access-log").get_json()["items"]
    assert [(row["action"], row["entry_count"]) for row in reversed(log)] == expected
    assert {row["viewer_name"] for row in log} == {"Dr Rivera"}
    today = utcnow().date().isoformat()
    assert all(row["first_day"] == today and row["last_day"] == today for row in log)

    page = member.get("/sharing/clinicians/access-log").get_data(as_text=True)
    assert "Dr Rivera exported 2 entries from" in page and "as a spreadsheet (CSV)" in page
    assert "Dr Rivera viewed your dashboard (2 entries from" in page
    assert "Dr Rivera viewed 1 entry from" in page
    # The clinician's own pages do not record anything for other members.
    assert members.make().api("GET", "/api/v1/sharing/access-log").get_json()["items"] == []


def test_refused_requests_and_the_patient_list_record_nothing(app, members):
    member = members.make()
    doc = make_clinician(members)
    make_checkin(member, mood=2, audience={"clinicians": True})
    grant_id = connect(member, doc)
    assert member.post(f"/sharing/clinicians/{grant_id}/revoke", {"confirm": "1"}).status_code == 302
    assert doc.get(f"/clinician/patients/{grant_id}").status_code == 410
    assert doc.get("/clinician/").status_code == 200
    assert member.api("GET", "/api/v1/sharing/access-log").get_json()["items"] == []
    assert "Nobody has looked at your journal." in member.get("/sharing/clinicians/access-log").get_data(as_text=True)


def _row(action, count, first, last, created):
    return AccessLogEntry(viewer_name="Dr Rivera", viewer_role="clinician", action=action, entry_count=count,
                          first_day=first, last_day=last, created_at=created)


def test_access_lines_read_as_sentences():
    from datetime import UTC, datetime

    on = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    row = _row("entries", 12, date(2026, 3, 3), date(2026, 3, 9), on)
    assert describe(row, "Europe/London") == ("Dr Rivera viewed 12 entries from 3–9 March 2026, "
                                              "on 12 March 2026 at 09:00")
    row = _row("export_fhir", 3, date(2026, 2, 27), date(2026, 3, 2), on)
    assert describe(row, "UTC") == "Dr Rivera exported 3 entries from 27 February – 2 March 2026 as FHIR data, " \
                                   "on 12 March 2026 at 09:00"
    row = _row("entry", 1, date(2026, 3, 5), date(2026, 3, 5), datetime(2026, 3, 12, 23, 30, tzinfo=UTC))
    assert describe(row, "Pacific/Auckland") == "Dr Rivera viewed 1 entry from 5 March 2026, on 13 March 2026 at 12:30"
    row = _row("dashboard", 0, None, None, on)
    assert describe(row, "UTC") == ("Dr Rivera viewed your dashboard (no entries in the period shown), "
                                   "on 12 March 2026 at 09:00")


def test_a_note_refused_on_the_entry_page_still_logs_the_look(app, members):
    """The error page shows the decrypted entry again: that is a look like any other."""
    member = members.make()
    doc = make_clinician(members)
    entry = make_checkin(member, mood=2, note="CANARY pain diary", audience={"clinicians": True})
    grant_id = connect(member, doc)
    url = f"/clinician/patients/{grant_id}/entries/{entry['id']}"
    response = doc.post(url, {"body": "x" * 5000})
    assert response.status_code == 400 and "CANARY pain diary" in response.get_data(as_text=True)
    log = member.api("GET", "/api/v1/sharing/access-log").get_json()["items"]
    assert [(row["action"], row["entry_count"]) for row in log] == [("entry", 1)]
