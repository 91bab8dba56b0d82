"""Who may read a member's safety plan: the owner; a clinician the member shared it with, while their grant is
live (each look in the member's access log); nobody else: another member, a peer connection, a clinician
without the share, anonymous visitors."""
from __future__ import annotations

import html
import re

from tests.clinicians.conftest import connect, make_clinician
from tests.peers.conftest import accept_guidelines, opt_in
from tests.peers.conftest import connect as connect_peers
from tests.safetyplan.conftest import CANARY, write_plan


def page(response) -> str:
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


def share(member, grant_id, action="share"):
    return member.post("/safety-plan/sharing", {"grant_id": grant_id, "action": action})


def test_a_member_shares_with_a_clinician_who_reads_it_and_every_look_is_logged(members):
    member = members.make(display_name="Robin")
    doc = make_clinician(members, name="Dr Rivera")
    write_plan(member)
    grant_id = connect(member, doc)
    shown = page(member.get("/safety-plan"))
    assert "Dr Rivera" in shown and "Share my plan" in shown
    # Nothing is shared until the member chooses.
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404
    assert "No patient has shared" in page(doc.get("/safety-plan/shared"))
    response = share(member, grant_id)
    assert response.status_code == 302 and "Dr Rivera can now read your safety plan" in page(member.get("/safety-plan"))
    listed = doc.get("/safety-plan/shared").get_data(as_text=True)
    assert f"/safety-plan/shared/{grant_id}" in listed and "Robin" in html.unescape(listed)
    assert 'href="/safety-plan/shared"' in doc.get("/clinician/").get_data(as_text=True)
    view = doc.get(f"/safety-plan/shared/{grant_id}")
    assert view.status_code == 200
    shown = page(view)
    assert CANARY in shown and "Alex (sister)" in shown and "read-only" in shown
    assert "<form" not in view.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0]  # nothing to change
    doc.get(f"/safety-plan/shared/{grant_id}")
    log = page(member.get("/sharing/clinicians/access-log"))
    assert len(re.findall("Dr Rivera viewed your safety plan, on", log)) == 2
    items = member.api("GET", "/api/v1/sharing/access-log").get_json()["items"]
    assert [i["action"] for i in items].count("safety_plan") == 2


def test_stopping_the_share_and_revoking_access_both_hide_the_plan(members):
    member = members.make()
    doc = make_clinician(members)
    write_plan(member)
    grant_id = connect(member, doc)
    share(member, grant_id)
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 200
    share(member, grant_id, "stop")
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404
    share(member, grant_id)
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 200
    assert member.post(f"/sharing/clinicians/{grant_id}/revoke", {"confirm": "1"}).status_code == 302
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404
    assert "No patient has shared" in page(doc.get("/safety-plan/shared"))
    # A new invitation is new access: the plan stays private until the member shares it again.
    new_grant = connect(member, doc)
    assert doc.get(f"/safety-plan/shared/{new_grant}").status_code == 404
    assert share(member, grant_id).status_code == 302  # the old grant: refused kindly
    assert "no longer has access" in page(member.get("/safety-plan"))
    assert doc.get(f"/safety-plan/shared/{new_grant}").status_code == 404


def test_deleting_the_plan_hides_it_from_the_clinician(members):
    member = members.make()
    doc = make_clinician(members)
    write_plan(member)
    grant_id = connect(member, doc)
    share(member, grant_id)
    member.post("/safety-plan/delete", {"confirm": "1"})
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404
    write_plan(member)  # a new plan is not shared by the old choice
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404


def test_nobody_else_reads_the_plan(client, members):
    owner = members.make()
    write_plan(owner)
    doc = make_clinician(members, name="Dr Shared")
    grant_id = connect(owner, doc)
    share(owner, grant_id)
    other_doc = make_clinician(members, name="Dr Other")
    other_grant = connect(owner, other_doc)  # access to the journal, but the plan was not shared with them
    stranger = members.make()
    peer = members.make()
    for person in (owner, peer):
        opt_in(person)
        accept_guidelines(person)
    connect_peers(owner, peer)

    assert CANARY in page(owner.get("/safety-plan"))
    expected = {
        "owner": (owner, 200), "clinician with the share": (doc, 200),
        "clinician without the share": (other_doc, 404), "another member": (stranger, 403),
        "peer connection": (peer, 403),
    }
    for who, (person, status) in expected.items():
        for grant in (grant_id, other_grant):
            response = person.get(f"/safety-plan/shared/{grant}")
            wanted = status if not (who == "clinician with the share" and grant == other_grant) else 404
            if who == "owner":
                wanted = 403  # the owner reads their own plan at /safety-plan
            assert response.status_code == wanted, (who, grant, response.status_code)
            assert CANARY not in page(response) or wanted == 200
        if person is not owner:
            own = person.get("/safety-plan")
            assert CANARY not in page(own), who
    anonymous = client.get(f"/safety-plan/shared/{grant_id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get("/safety-plan").status_code == 302


def test_sharing_needs_a_plan_and_a_live_grant_and_bad_ids_are_refused_kindly(members):
    member = members.make()
    doc = make_clinician(members)
    grant_id = connect(member, doc)
    assert share(member, grant_id).status_code == 302
    assert "Write your plan first" in page(member.get("/safety-plan"))
    write_plan(member)
    for bad in ("not-a-uuid", "", "00000000-0000-0000-0000-000000000000"):
        assert share(member, bad).status_code == 302
        assert "no longer has access" in page(member.get("/safety-plan"))
    assert doc.get("/safety-plan/shared/not-a-uuid").status_code == 404
    assert member.post("/safety-plan/sharing", {"grant_id": grant_id}, csrf=False).status_code == 400


def test_a_clinician_cannot_share_a_plan_the_member_shared_with_another(members):
    """Another member's grant id, posted by someone else, shares nothing."""
    owner, other = members.make(), members.make()
    doc = make_clinician(members)
    write_plan(owner)
    write_plan(other, warning_signs="other's sign")
    grant_id = connect(owner, doc)
    share(other, grant_id)  # not other's grant
    assert doc.get(f"/safety-plan/shared/{grant_id}").status_code == 404
