"""A signed-in member with something behind every id the API takes: own check-in and tracked items, a peer
connection with a check-in shared both ways and a reply on it, a clinician grant, a push device. Built
through the same HTTP paths users take; hostile-input tests and the fuzzers start from it."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    moderator: Client | None
    checkin_id: str
    peer_entry_id: str
    comment_id: str
    symptom_id: str
    tag_id: str
    medication_id: str
    grant_id: str
    sub_id: str
    peer_member_id: str
    other_session_id: str

    def ids(self) -> dict[str, str]:
        """Path parameter values by name, as the OpenAPI document names them."""
        return {"entry_id": self.checkin_id, "item_id": self.symptom_id, "comment_id": self.comment_id,
                "grant_id": self.grant_id, "sub_id": self.sub_id, "member_id": self.peer_member_id,
                "session_id": self.other_session_id, "kind": "strength", "code": "who5"}


def _ok(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    return response


def _opt_in(client: Client) -> str:
    body = {"enabled": True, "conditions": ["lupus"], "topics": ["fatigue"], "languages": ["en"]}
    member_id = _ok(client.api("PUT", "/api/v1/peers/profile", json=body), 200).get_json()["member"]["id"]
    _ok(client.api("POST", "/api/v1/peers/guidelines"), 204)
    return member_id


def seed_world(members, *, everyone: bool = True) -> World:
    """Build the world for the `members` fixture's app (see the module docstring). `everyone=False` leaves
    out the people only the form crawler needs (stranger, asker, blocked, a moderator with reports)."""
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

    # A recovery counter of mine with a milestone shared (and others to share), and one my peer shared.
    for owner, days in ((me, "30"), (peer, "7")):
        start = (datetime.now(UTC).date() - timedelta(days=40)).isoformat()
        counter = _ok(owner.post("/milestones/new", {"label": "sober", "start": start}), 302).headers["Location"]
        _ok(owner.post(f"{counter}/share", {"days": days}), 302)

    invitation = _ok(me.api("POST", "/api/v1/sharing/clinicians", json={"label": "GP"}), 201).get_json()
    _ok(clinician.post("/clinician/redeem", {"code": invitation["code"]}), 302)
    # A safety plan: its page then shows the delete form and the share form for that clinician.
    _ok(me.post("/safety-plan/edit", {"warning_signs": "not sleeping", "helpers-0-name": "Alex",
                                       "helpers-0-phone": "0123 456 789"}), 302)
    # A questionnaire result (its page has the delete form) and a health link (the list has its revoke form).
    _ok(me.post("/questionnaires/who5", {f"q{n}": "3" for n in range(1, 6)}), 302)
    today = datetime.now(UTC).date()
    _ok(me.post("/sharing/links/", {"first_day": (today - timedelta(days=6)).isoformat(),
                                    "last_day": today.isoformat(), "measures": "mood", "expiry_days": "7",
                                    "label": "For my GP", "name": "Sam"}), 200)

    device = {"endpoint": ENDPOINT, "keys": {"p256dh": P256DH, "auth": AUTH}}
    sub_id = _ok(me.api("POST", "/api/v1/push/subscriptions", json=device), 201).get_json()["id"]
    _ok(me.api("PUT", "/api/v1/reminders", json={"enabled": True, "pause_days": 3}), 200)  # shows "resume"
    # A second device of mine, signed in too: a session the API may list and end (not the one in use).
    members.new_client().login(me.email)
    sessions = _ok(me.api("GET", "/api/v1/account/sessions"), 200).get_json()["items"]
    other_session_id = next(item["id"] for item in sessions if not item["current"])
    moderator = _people_around(members, me, my_member_id) if everyone else None
    return World(me=me, peer=peer, clinician=clinician, moderator=moderator, checkin_id=checkin_id,
                 peer_entry_id=peer_entry_id,
                 comment_id=comment.get_json()["id"], symptom_id=symptom_id, tag_id=tag_id,
                 medication_id=medication_id, grant_id=invitation["grant"]["id"], sub_id=sub_id,
                 peer_member_id=peer_member_id, other_session_id=other_session_id)


def _people_around(members, me: Client, my_member_id: str) -> Client:
    """Everyone else a member's pages can show a form for: a suggested stranger (connect), someone asking
    to connect (accept, decline), someone blocked (unblock), and a member with two reports against them,
    one acted on with a suspension (the moderator's lift form) and one still open (the action form).
    Returns the moderator."""
    stranger, asker, blocked, troll = (members.make(display_name=name) for name in ("Stranger", "Asker",
                                                                                   "Blocked", "Troll"))
    for person in (stranger, asker, blocked, troll):
        person.member_id = _opt_in(person)
    _ok(asker.api("POST", "/api/v1/peers/connections", json={"member_id": my_member_id}), 201)
    _ok(me.api("POST", "/api/v1/peers/blocks", json={"member_id": blocked.member_id}), 204)
    _ok(troll.api("POST", "/api/v1/peers/connections", json={"member_id": my_member_id}), 201)
    _ok(me.api("POST", f"/api/v1/peers/connections/{troll.member_id}/accept"), 200)
    reports = []
    for note in ("first", "second"):
        entry_id = make_checkin(troll, note=note, audience={"peers": True})["id"]
        body = {"kind": "entry", "target_id": entry_id, "reason": "spam"}
        reports.append(_ok(me.api("POST", "/api/v1/peers/reports", json=body), 201).get_json()["id"])

    moderator = members.make(display_name="Mod")
    result = members.app.test_cli_runner().invoke(args=["users", "set-role", moderator.email, "moderator"])
    assert result.exit_code == 0, result.output
    moderator.set_up_two_factor()  # staff see no member's data before two-step sign-in is on
    _ok(moderator.post(f"/peers/moderation/reports/{reports[0]}",
                       {"action": "suspend", "why": "Spam", "suspend_for": "7"}), 302)
    return moderator
