"""Who may see, comment on and react to which check-in: the table from issue 4, cell by cell.

Viewers: the author, a connected peer, an unconnected member, a peer the author blocked, a peer who
blocked the author, a clinician, a moderator, and nobody signed in. Entries: private, shared with peers,
shared with peers but the note kept private, shared with clinicians only. Actions: the peer entry page,
the same entry through the API, a comment and a reaction (both through the API).
"""
import pytest

from tests.conftest import make_checkin
from tests.peers.conftest import accept_guidelines, connect, opt_in

ENTRIES = {
    "private": {"peers": False, "clinicians": False, "hide_note_from_peers": False},
    "shared": {"peers": True, "clinicians": False, "hide_note_from_peers": False},
    "hidden_note": {"peers": True, "clinicians": False, "hide_note_from_peers": True},
    "clinician_only": {"peers": False, "clinicians": True, "hide_note_from_peers": False},
}
ACTIONS = ("page", "api", "comment", "react")

# role -> entry -> (page, api, comment, react). 302 = sent to the login page.
EXPECTED = {
    "author": {"private": (200, 200, 409, 409), "shared": (200, 200, 201, 409),
               "hidden_note": (200, 200, 201, 409), "clinician_only": (200, 200, 409, 409)},
    "peer": {"private": (404, 404, 404, 404), "shared": (200, 200, 201, 201),
             "hidden_note": (200, 200, 201, 201), "clinician_only": (404, 404, 404, 404)},
    "unconnected": {e: (404, 404, 404, 404) for e in ENTRIES},
    "blocked_by_author": {e: (404, 404, 404, 404) for e in ENTRIES},
    "blocked_author": {e: (404, 404, 404, 404) for e in ENTRIES},
    "clinician": {e: (403, 403, 403, 403) for e in ENTRIES},
    "moderator": {e: (403, 403, 403, 403) for e in ENTRIES},
    "anonymous": {e: (302, 401, 401, 401) for e in ENTRIES},
}
# Whether the viewer may read the note where they may see the entry at all.
SEES_NOTE = {("author", e) for e in ENTRIES} | {("peer", "shared")}


@pytest.fixture
def config_overrides():
    # Every account here is new, and new accounts may comment 3 times a minute: this table makes 4 tries.
    return {"RATELIMIT_PEER_COMMENTS_NEW": "100 per minute"}


@pytest.fixture
def world(app, members, new_client):
    author = members.make(display_name="Author")
    peer = members.make(display_name="Connected")
    unconnected = members.make(display_name="Stranger")
    blocked_by_author = members.make(display_name="Blocked")
    blocked_author = members.make(display_name="Blocker")
    for client in (author, peer, unconnected, blocked_by_author, blocked_author):
        opt_in(client)
        accept_guidelines(client)
    for client in (peer, blocked_by_author, blocked_author):
        connect(author, client)
    for blocker, blocked in ((author, blocked_by_author), (blocked_author, author)):
        response = blocker.api("POST", "/api/v1/peers/blocks", json={"member_id": blocked.member_id})
        assert response.status_code == 204
    clinician = members.make(role="clinician", display_name="Dr Who")
    moderator = members.make(role="moderator", display_name="Mod")
    entries = {name: make_checkin(author, mood=2, note=f"NOTE-{name}-words", audience=audience)["id"]
               for name, audience in ENTRIES.items()}
    viewers = {"author": author, "peer": peer, "unconnected": unconnected, "blocked_by_author": blocked_by_author,
               "blocked_author": blocked_author, "clinician": clinician, "moderator": moderator,
               "anonymous": new_client()}
    return viewers, entries


def attempt(client, action: str, entry_id: str):
    if action == "page":
        return client.get(f"/peers/entries/{entry_id}")
    if action == "api":
        return client.api("GET", f"/api/v1/peers/entries/{entry_id}")
    if action == "comment":
        return client.api("POST", f"/api/v1/peers/entries/{entry_id}/comments", json={"body": "You are not alone."})
    return client.api("POST", f"/api/v1/peers/entries/{entry_id}/reactions", json={"kind": "strength"})


@pytest.mark.parametrize("role", list(EXPECTED))
def test_entry_access_table(world, role):
    viewers, entries = world
    client = viewers[role]
    mismatches = []
    for entry_name, entry_id in entries.items():
        for action, expected in zip(ACTIONS, EXPECTED[role][entry_name], strict=True):
            response = attempt(client, action, entry_id)
            if response.status_code != expected:
                mismatches.append(f"{role} × {entry_name} × {action}: {response.status_code}, expected {expected}")
                continue
            if expected == 302:
                assert "/login" in response.headers["Location"]
            if action in ("page", "api") and expected == 200:
                body = response.get_data(as_text=True)
                note = f"NOTE-{entry_name}-words"
                if (role, entry_name) in SEES_NOTE:
                    assert note in body, f"{role} should read the note of {entry_name} ({action})"
                else:
                    assert note not in body, f"{role} must not read the note of {entry_name} ({action})"
                if action == "api":
                    data = response.get_json()
                    assert data["note_hidden"] is (role == "peer" and entry_name == "hidden_note")
                    if data["note_hidden"]:
                        assert data["note"] is None and data["tags"] == [] and data["medications"] == []
    assert not mismatches, "\n".join(mismatches)


def test_a_clinicians_grant_never_opens_the_peer_pages(world):
    """Clinician access is the clinicians feature's business: the peer routes only know authors and peers."""
    viewers, entries = world
    for entry_id in entries.values():
        assert viewers["clinician"].get(f"/peers/entries/{entry_id}").status_code == 403
        assert viewers["moderator"].api("GET", f"/api/v1/peers/entries/{entry_id}").status_code == 403


def test_malformed_and_unknown_ids_are_404(world):
    viewers, _ = world
    peer = viewers["peer"]
    for raw in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert peer.get(f"/peers/entries/{raw}").status_code == 404
        assert peer.api("GET", f"/api/v1/peers/entries/{raw}").status_code == 404
