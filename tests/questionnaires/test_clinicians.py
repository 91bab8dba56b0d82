"""A clinician sees questionnaire results only with a live grant AND the member's choice to share them; a PHQ-9
item 9 above 0 is flagged for them; every look is in the member's access log. Nobody else learns anything."""
from __future__ import annotations

from tests.clinicians.conftest import connect, make_clinician
from tests.questionnaires.test_pages import WHO5, phq9, result_path, take


def share(member, on=True):
    response = member.post("/questionnaires/sharing", {"with_clinicians": "1" if on else "0"})
    assert response.status_code == 302


def test_a_clinician_sees_results_only_when_the_member_shares_them_and_item9_is_flagged(members):
    member = members.make()
    clinician = make_clinician(members)
    grant_id = connect(member, clinician)
    result_path(take(member, "who5", WHO5))
    result_path(take(member, "phq9", phq9(2)))
    page = clinician.get(f"/questionnaires/patients/{grant_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "has not shared their questionnaire results" in html
    assert "64%" not in html and "item9-flag" not in html
    assert "questionnaire results" not in member.get("/sharing/clinicians/access-log").get_data(as_text=True)

    share(member)
    html = clinician.get(f"/questionnaires/patients/{grant_id}").get_data(as_text=True)
    assert 'id="item9-flag"' in html and "More than half the days" in html
    assert "64%" in html and 'id="trend-who5"' in html and 'id="trend-phq9"' in html
    assert f"/questionnaires/patients/{grant_id}" in clinician.get(f"/clinician/patients/{grant_id}").get_data(
        as_text=True)
    log = member.get("/sharing/clinicians/access-log").get_data(as_text=True)
    assert "Dr Rivera viewed your questionnaire results: 2 results" in log
    export = clinician.get(f"/questionnaires/patients/{grant_id}/export.fhir.json")
    assert export.status_code == 200 and "44261-6" in export.get_data(as_text=True)
    assert "exported your questionnaire results as FHIR data" in member.get(
        "/sharing/clinicians/access-log").get_data(as_text=True)

    share(member, on=False)
    html = clinician.get(f"/questionnaires/patients/{grant_id}").get_data(as_text=True)
    assert "has not shared" in html and "64%" not in html
    assert clinician.get(f"/questionnaires/patients/{grant_id}/export.fhir.json").status_code == 404


def test_nobody_without_a_live_grant_sees_anything(members, client):
    member = members.make()
    result_path(take(member, "phq9", phq9(3)))
    share(member)
    mine, other_clinician = make_clinician(members), make_clinician(members, name="Dr Other")
    grant_id = connect(member, mine)
    peer_member = members.make()
    for who in (other_clinician,):
        assert who.get(f"/questionnaires/patients/{grant_id}").status_code == 404
        assert who.get(f"/questionnaires/patients/{grant_id}/export.fhir.json").status_code == 404
    assert other_clinician.get("/questionnaires/patients/not-a-uuid").status_code == 404
    assert peer_member.get(f"/questionnaires/patients/{grant_id}").status_code == 403
    assert member.get(f"/questionnaires/patients/{grant_id}").status_code == 403
    assert client.get(f"/questionnaires/patients/{grant_id}").status_code == 302
    log = member.get("/sharing/clinicians/access-log").get_data(as_text=True)
    assert "Dr Other" not in log and "questionnaire" not in log
    # Revoking the grant ends the clinician's view too.
    assert mine.get(f"/questionnaires/patients/{grant_id}").status_code == 200
    assert member.post(f"/sharing/clinicians/{grant_id}/revoke", {"confirm": "1"}).status_code == 302
    assert mine.get(f"/questionnaires/patients/{grant_id}").status_code == 404
