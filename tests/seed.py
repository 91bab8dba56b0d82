"""A signed-in member with something behind every id the API takes: own check-in and tracked items, a peer
connection with a check-in shared both ways and a reply on it, a clinician grant, a push device. Built
through the same HTTP paths users take; hostile-input tests and the fuzzers start from it."""
from __future__ import annotations

import base64
from dataclasses import dataclass

from tests.conftest import Client, add_item, make_checkin

# A push subscription the default settings accept: an FCM endpoint and keys of the right sizes.
P256DH = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
AUTH = base64.urlsafe_b64encode(b"\x02" * 16).rstrip(b"=").decode()
ENDPOINT = "https://fcm.googleapis.com/fcm/send/seeded-device"


@dataclass
class World:
    me: Client
    peer: Client
    clinician: Client
    checkin_id: str
    peer_entry_id: str
    comment_id: str
    symptom_id: str
    tag_id: str
    medication_id: str
    grant_id: str
    sub_id: str
    peer_member_id: str

    def ids(self) -> dict[str, str]:
        """Path parameter values by name, as the OpenAPI document names them."""
        return {"entry_id": self.checkin_id, "item_id": self.symptom_id, "comment_id": self.comment_id,
                "grant_id": self.grant_id, "sub_id": self.sub_id, "member_id": self.peer_member_id,
                "kind": "hug"}


def _ok(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    return response


def _opt_in(client: Client) -> str:
    body = {"enabled": True, "conditions": ["lupus"], "topics": ["fatigue"], "languages": ["en"]}
    member_id = _ok(client.api("PUT", "/api/v1/peers/profile", json=body), 200).get_json()["member"]["id"]
    _ok(client.api("POST", "/api/v1/peers/guidelines"), 204)
    return member_id


def seed_world(members) -> World:
    """Build the world for the `members` fixture's app (see the module docstring)."""
    me = members.make(display_name="Fuzz Me")
    peer = members.make(display_name="Fuzz Peer")
    clinician = members.make(role="clinician", display_name="Dr Fuzz")
    _ok(clinician.post("/clinician/profile", {"profession": "GP", "organisation": "Clinic"}), 302)

    symptom_id = add_item(me, "symptoms", "Headache")
    tag_id = add_item(me, "tags", "Work")
    medication_id = add_item(me, "medications", "Ibuprofen", dose="200 mg")
    checkin_id = make_checkin(me, note="seeded", symptoms=[{"id": symptom_id, "severity": 2}], tags=[tag_id],
                              medications=[{"id": medication_id, "dose": "200 mg"}],
                              audience={"peers": True, "clinicians": True})["id"]

    my_member_id = _opt_in(me)
    peer_member_id = _opt_in(peer)
    _ok(me.api("POST", "/api/v1/peers/connections", json={"member_id": peer_member_id}), 201)
    _ok(peer.api("POST", f"/api/v1/peers/connections/{my_member_id}/accept"), 200)
    peer_entry_id = make_checkin(peer, note="peer's", audience={"peers": True})["id"]
    comment = _ok(me.api("POST", f"/api/v1/peers/entries/{peer_entry_id}/comments", json={"body": "Hugs"}), 201)

    invitation = _ok(me.api("POST", "/api/v1/sharing/clinicians", json={"label": "GP"}), 201).get_json()
    _ok(clinician.post("/clinician/redeem", {"code": invitation["code"]}), 302)

    device = {"endpoint": ENDPOINT, "keys": {"p256dh": P256DH, "auth": AUTH}}
    sub_id = _ok(me.api("POST", "/api/v1/push/subscriptions", json=device), 201).get_json()["id"]
    return World(me=me, peer=peer, clinician=clinician, checkin_id=checkin_id, peer_entry_id=peer_entry_id,
                 comment_id=comment.get_json()["id"], symptom_id=symptom_id, tag_id=tag_id,
                 medication_id=medication_id, grant_id=invitation["grant"]["id"], sub_id=sub_id,
                 peer_member_id=peer_member_id)
