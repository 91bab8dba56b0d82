"""Sharing a milestone with peers: only when the member chooses, to their connections only (never to someone
blocked either way, never while suspended, never to a clinician or anyone signed out), with the counter's
name only if they include it; peers react with the app's reaction words and the member gets a generic
notification. The label is never readable in the SQLite file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from journal import signals
from journal.extensions import db
from journal.milestones.models import Counter, MilestoneReaction, MilestoneShare
from tests.conftest import PASSWORD, Client
from tests.milestones.conftest import new_counter, text
from tests.peers.conftest import accept_guidelines, connect, opt_in

CANARY = "canary-label-4f1c2a"


def report(client, kind, target, reason="unkind"):
    response = client.api("POST", "/api/v1/peers/reports", json={"kind": kind, "target_id": target, "reason": reason})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def act(moderator, report_id, action, why, **extra):
    return moderator.post(f"/peers/moderation/reports/{report_id}", {"action": action, "why": why, **extra})


def share(client, counter: str, days: int, with_label: bool = False):
    fields = {"days": str(days), **({"with_label": "y"} if with_label else {})}
    return client.post(f"/milestones/{counter}/share", fields)


def share_ids(client) -> list[str]:
    return re.findall(r'id="m-([0-9a-f-]{36})"', client.get("/milestones/peers").get_data(as_text=True))


def test_nothing_is_shared_until_the_member_chooses(peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=31)
    page = text(author.get(f"/milestones/{counter}"))
    assert page.count("with my peers</button>") == 3  # 1, 7 and 30 days reached; 90 not yet
    assert 'name="with_label" value="y">' in page and "checked" not in page
    assert share_ids(peer) == []


def test_a_shared_milestone_reaches_connections_without_its_name_unless_included(peers):
    author, peer = peers
    counter = new_counter(author, CANARY, days_ago=31)
    assert share(author, counter, 30).status_code == 302
    feed = text(peer.get("/milestones/peers"))
    assert "Robin Author reached 30 days</h2>" in feed and CANARY not in feed
    assert share(author, counter, 7, with_label=True).status_code == 302
    feed = text(peer.get("/milestones/peers"))
    assert f"Robin Author reached 7 days: {CANARY}" in feed
    owner_page = text(author.get(f"/milestones/{counter}"))
    assert owner_page.count("Stop sharing") == 2 and "with the counter’s name" in owner_page


@pytest.mark.parametrize("days", [90, 31, 0])
def test_only_a_reached_milestone_can_be_shared_once(peers, days):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=31)
    response = share(author, counter, days)
    assert response.status_code == 302
    assert "Share a milestone this counter has reached." in text(author.get(response.headers["Location"]))
    assert share_ids(peer) == []
    share(author, counter, 30)
    again = share(author, counter, 30)
    assert "You already shared this milestone." in text(author.get(again.headers["Location"]))
    assert len(share_ids(peer)) == 1


def test_after_starting_again_a_milestone_can_be_shared_anew_and_the_earlier_card_stays(peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    author.post(f"/milestones/{counter}/start-again", {"when": "today"})
    assert "Stop sharing" not in text(author.get(f"/milestones/{counter}"))
    assert len(share_ids(peer)) == 1


def test_who_sees_a_shared_milestone(peers, members, new_client):
    author, peer = peers
    stranger = members.make(display_name="Una Connected")
    opt_in(stranger)
    blocked = members.make(display_name="Bo Blocked")
    opt_in(blocked)
    connect(author, blocked)
    clinician = members.make(role="clinician")
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    [share_id] = share_ids(peer)
    assert share_ids(blocked) == [share_id]
    response = blocked.post(f"/peers/members/{author.member_id}/block", {"confirm": "1"})
    assert response.status_code in (302, 303)

    assert share_ids(peer) == [share_id]  # a connected peer
    assert share_ids(author) == []  # the owner sees it on the counter, not among peers' milestones
    assert "Stop sharing" in text(author.get(f"/milestones/{counter}"))
    assert share_ids(stranger) == []  # a member who is not connected
    assert share_ids(blocked) == []  # blocked, either way
    assert clinician.get("/milestones/peers").status_code == 403
    anonymous = new_client().get("/milestones/peers")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for who in (stranger, blocked, author):
        assert who.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}).status_code == 404
    assert clinician.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}).status_code == 403


def test_turning_peer_support_off_or_disconnecting_hides_it_at_once(peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    assert share_ids(peer)
    author.api("PUT", "/api/v1/peers/profile", json={"enabled": False})
    assert share_ids(peer) == []
    opt_in(author)
    assert share_ids(peer)
    assert peer.api("DELETE", f"/api/v1/peers/connections/{author.member_id}").status_code == 204
    assert share_ids(peer) == []


def test_a_suspended_members_milestones_are_hidden(peers, members):
    author, peer = peers
    moderator = members.make(role="moderator", display_name="Mo Derator")
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    assert share_ids(peer)
    report_id = report(peer, "member", author.member_id, "unkind")
    assert act(moderator, report_id, "suspend", why="Repeated abuse", suspend_for="7").status_code == 302
    assert share_ids(peer) == []


def test_peers_react_with_the_apps_words_and_the_member_hears_generically(app, peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=31)
    share(author, counter, 30)
    [share_id] = share_ids(peer)
    heard = []
    with signals.member_notified.connected_to(lambda sender, **kw: heard.append(kw), app):
        response = peer.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"})
    assert response.status_code == 302
    assert heard == [{"user_id": author.user_id, "event": "reaction", "path": f"/milestones/{counter}"}]
    feed = peer.get("/milestones/peers").get_data(as_text=True)
    assert re.search(r'aria-pressed="true">Proud of you <span class="count">1</span>', feed)
    for label in ("Sending strength", "Been there", "Thinking of you"):
        assert label in feed
    assert "Proud of you: 1." in text(author.get(f"/milestones/{counter}"))
    # A second tap takes it back; an unknown word is refused.
    assert peer.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}).status_code == 302
    assert "Proud of you: 1." not in text(author.get(f"/milestones/{counter}"))
    assert peer.post(f"/milestones/shared/{share_id}/react", {"kind": "meh"}).status_code == 400
    assert peer.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}, csrf=False).status_code == 400


def test_stopping_sharing_and_deleting_take_the_card_away(peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 1)
    share(author, counter, 7)
    page = author.get(f"/milestones/{counter}").get_data(as_text=True)
    stop = re.search(r'action="(/milestones/[^"]+/stop)"', page).group(1)
    assert author.post(stop).status_code == 302
    assert len(share_ids(peer)) == 1
    assert peer.post(stop).status_code == 404
    author.post(f"/milestones/{counter}/delete", {"confirm": "1"})
    assert share_ids(peer) == []


def test_the_label_is_absent_from_the_sqlite_file_and_wal(sqlite_app):
    author, peer = Client(sqlite_app), Client(sqlite_app)
    for client, email in ((author, "a@example.org"), (peer, "p@example.org")):
        client.register(email)
        client.confirm_email(email)
        opt_in(client)
        accept_guidelines(client)
    connect(author, peer)
    counter = new_counter(author, CANARY, days_ago=40)
    author.post(f"/milestones/{counter}/start-again", {"when": "today"})
    counter = new_counter(author, CANARY + "-two", days_ago=40)
    assert share(author, counter, 30, with_label=True).status_code == 302
    assert CANARY in peer.get("/milestones/peers").get_data(as_text=True)
    database = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [database, database.with_name(database.name + "-wal")]
    assert files[1].exists() and files[1].stat().st_size > 0
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), f"label readable in {path.name}"



@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_PEER_REACTIONS": "2 per minute"}])
def test_reacting_is_rate_limited_per_account(peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    [share_id] = share_ids(peer)
    for _ in range(2):
        assert peer.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}).status_code == 302
    assert peer.post(f"/milestones/shared/{share_id}/react", {"kind": "proud"}).status_code == 429


def test_deleting_the_account_takes_counters_shares_and_reactions_with_it(app, peers):
    author, peer = peers
    counter = new_counter(author, "sober", days_ago=8)
    share(author, counter, 7)
    [share_id] = share_ids(peer)
    peer.post(f"/milestones/shared/{share_id}/react", {"kind": "strength"})
    assert author.post("/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert share_ids(peer) == []
    with app.app_context():
        for model in (Counter, MilestoneShare, MilestoneReaction):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__
