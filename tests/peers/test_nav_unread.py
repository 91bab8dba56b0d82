"""The Peers tab in the bottom navigation shows how many notifications (replies, requests) the member has
not seen, on every page; the count is per person, never kept in the cached navigation fragment."""
from __future__ import annotations

import re

from tests.conftest import make_checkin
from tests.peers.conftest import accept_guidelines, connect, opt_in

BADGE = re.compile(r'Peers<span class="badge nav-badge">(\d+)<span class="visually-hidden"> unread</span></span></a>')


def _badge(client, path="/timeline"):
    match = BADGE.search(client.get(path).get_data(as_text=True))
    return int(match.group(1)) if match else None


def test_the_peers_tab_counts_unseen_notifications_for_each_member(members):
    author, peer, bystander = members.make(), members.make(), members.make()
    for person in (author, peer, bystander):
        opt_in(person)
    connect(author, peer)
    accept_guidelines(peer)
    assert _badge(author) == 1, "the accepted request"
    author.get("/peers/notifications")  # seeing the list marks them seen
    assert _badge(author) is None and _badge(bystander) is None
    entry = make_checkin(author, note="long day", audience={"peers": True})["id"]
    for body in ("Thinking of you", "Rest well"):
        assert peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": body}).status_code == 201

    assert _badge(author) == 2, "two replies not seen yet, on a page outside Peers"
    assert _badge(author, "/account") == 2
    assert _badge(bystander) is None, "the same cached navigation, without someone else's count"
    author.get("/peers/notifications")
    assert _badge(author) is None


def test_a_withdrawn_request_leaves_the_count(members):
    asker, asked = members.make(), members.make()
    for person in (asker, asked):
        opt_in(person)
    assert asker.api("POST", "/api/v1/peers/connections", json={"member_id": asked.member_id}).status_code == 201
    assert _badge(asked) == 1
    assert asker.api("DELETE", f"/api/v1/peers/connections/{asked.member_id}").status_code in (200, 204)
    assert _badge(asked) is None, "the request they never saw is gone, and so is its count"
