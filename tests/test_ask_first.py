"""Revoking a clinician, blocking a peer and deleting a reply ask first, without JavaScript: the button's
POST answers with a question page whose own button posts again with confirm=1; only that second POST acts
(removing a device: tests/push/test_pages.py). A clinician whose access was revoked is told the patient
ended it (410), not "couldn't find"."""
from __future__ import annotations

import re

from tests.clinicians.conftest import connect as connect_clinician
from tests.clinicians.conftest import make_clinician
from tests.conftest import make_checkin
from tests.peers.conftest import accept_guidelines, connect, opt_in

CONFIRM_FORM = re.compile(r'<form method="post" action="([^"]+)">.*?name="confirm" value="1"', re.S)


def _asks(response, action: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:300]
    match = CONFIRM_FORM.search(html)
    assert match and match.group(1) == action, "the question's button posts to the same address again"
    return html


def test_revoking_a_clinician_asks_first_and_the_clinician_is_told_it_ended(members):
    member = members.make(display_name="Sunflower")
    make_checkin(member, audience={"clinicians": True})
    doctor = make_clinician(members, name="Dr Rivera")
    grant_id = connect_clinician(member, doctor)
    url = f"/sharing/clinicians/{grant_id}/revoke"

    html = _asks(member.post(url), url)
    assert "Revoke access?" in html and "Dr Rivera will not be able to open anything" in html
    assert doctor.get(f"/clinician/patients/{grant_id}").status_code == 200, "asking changed nothing"

    assert member.post(url, {"confirm": "1"}).status_code == 302
    gone = doctor.get(f"/clinician/patients/{grant_id}")
    page = gone.get_data(as_text=True)
    assert gone.status_code == 410 and "Access ended by the patient" in page
    assert "couldn’t find" not in page
    assert doctor.get(f"/clinician/patients/{grant_id}/entries").status_code == 410


def test_blocking_a_peer_asks_first(members):
    me, other = members.make(display_name="Ann"), members.make(display_name="Bea")
    opt_in(me), opt_in(other)
    connect(me, other)
    url = f"/peers/members/{other.member_id}/block"

    assert "Block this member?" in _asks(me.post(url), url)
    assert me.get(f"/peers/members/{other.member_id}").status_code == 200, "still connected after asking"
    assert me.post(url, {"confirm": "1"}).status_code == 302
    assert me.get(f"/peers/members/{other.member_id}").status_code == 404


def test_deleting_a_reply_asks_first(members):
    author, peer = members.make(), members.make()
    opt_in(author), opt_in(peer)
    connect(author, peer)
    accept_guidelines(peer)
    entry = make_checkin(author, note="hard day", audience={"peers": True})["id"]
    reply = peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "Here for you"}).get_json()
    url = f"/peers/comments/{reply['id']}/delete"

    assert "Delete this reply?" in _asks(peer.post(url), url)
    assert "Here for you" in author.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert peer.post(url, {"confirm": "1"}).status_code == 302
    assert "Here for you" not in author.get(f"/peers/entries/{entry}").get_data(as_text=True)

