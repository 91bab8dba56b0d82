"""Peer profiles (opt-in, encrypted bio), connections through the pages, nudges and rate limits."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from journal.accounts import User
from journal.extensions import db, utcnow
from journal.peers.models import PeerBlock, PeerProfile
from tests.conftest import racing_backend, when_first_selected
from tests.peers.conftest import accept_guidelines, connect, opt_in, share

PROFILE_FORM = {"enabled": "y", "open_to_matches": "y", "support": "get", "conditions": ["lupus", "fibromyalgia"],
                "topics": ["fatigue"], "languages": ["en", "fr"], "timezone": "Europe/Paris", "avatar_colour": "plum",
                "bio": "BIO-canary words", "other_condition": "OTHER-canary", "nudges_enabled": "y"}


def test_peer_support_is_off_until_the_member_opts_in(members):
    member = members.make()
    page = member.get("/peers/").get_data(as_text=True)
    assert "Set up my peer profile" in page and "Off until you turn it on" in page
    assert member.api("GET", "/api/v1/peers/profile").get_json()["enabled"] is False
    assert member.api("GET", "/api/v1/peers/feed").status_code == 409
    form = member.get("/peers/profile").get_data(as_text=True)
    enabled_box = re.search(r'<input[^>]*name="enabled"[^>]*>', form).group(0)
    assert "checked" not in enabled_box
    # Saving without ticking "take part" keeps it off.
    response = member.post("/peers/profile", {**PROFILE_FORM, "enabled": ""})
    assert response.status_code == 302
    assert member.api("GET", "/api/v1/peers/profile").get_json()["enabled"] is False


def test_the_profile_form_opts_in_and_keeps_free_text_encrypted(app, members):
    member = members.make(display_name="Kim Ray")
    response = member.post("/peers/profile", PROFILE_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/peers/suggestions")
    profile = member.api("GET", "/api/v1/peers/profile").get_json()
    assert profile["enabled"] and profile["conditions"] == ["lupus", "fibromyalgia"]
    assert profile["languages"] == ["en", "fr"] and profile["bio"] == "BIO-canary words"
    assert profile["member"]["initials"] == "KR" and profile["member"]["display_name"] == "Kim Ray"
    with app.app_context():
        for table in ("peer_profiles", "peer_profile_conditions", "peer_profile_topics", "peer_profile_languages"):
            for row in db.session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed table names
                assert "canary" not in repr(tuple(row)), table
        # Plaintext because matching queries them: the codes (documented in SECURITY.md).
        codes = db.session.execute(text("SELECT code FROM peer_profile_conditions ORDER BY code")).scalars().all()
        assert codes == ["fibromyalgia", "lupus"]


def test_profile_validation(members):
    member = members.make()
    response = member.post("/peers/profile", {**PROFILE_FORM, "languages": []})
    assert response.status_code == 400 and "at least one language" in response.get_data(as_text=True)
    response = member.post("/peers/profile", {**PROFILE_FORM, "bio": "x" * 501})
    assert response.status_code == 400
    api = member.api("PUT", "/api/v1/peers/profile", json={"enabled": True, "languages": ["en"],
                                                          "conditions": ["made-up"]})
    assert api.status_code == 422 and "conditions[0]" in api.get_json()["error"]["fields"]
    api = member.api("PUT", "/api/v1/peers/profile", json={"enabled": True, "languages": ["en"], "email": "x"})
    assert api.status_code == 422


def test_clinicians_have_no_peer_area(members):
    clinician = members.make(role="clinician")
    assert clinician.get("/peers/").status_code == 403
    assert clinician.api("GET", "/api/v1/peers/profile").status_code == 403
    assert "/peers/" not in clinician.get("/account").get_data(as_text=True)


def test_the_nav_has_peers_for_members(member):
    assert 'href="/peers/"' in member.get("/timeline").get_data(as_text=True)


def test_connecting_through_the_pages(members):
    asker, other = members.make(display_name="Asker"), members.make(display_name="Other")
    opt_in(asker)
    opt_in(other)
    assert "Ask to connect" in asker.get(f"/peers/members/{other.member_id}").get_data(as_text=True)
    assert asker.post(f"/peers/members/{other.member_id}/connect", {"next": "suggestions"}).status_code == 302
    page = other.get("/peers/connections").get_data(as_text=True)
    assert "Waiting for you" in page and "Asker" in page and 'aria-label="1 waiting"' in page
    assert "Asker would like to connect" in other.get("/peers/notifications").get_data(as_text=True)
    assert other.post(f"/peers/members/{asker.member_id}/accept").status_code == 302
    assert "Other accepted your request" in asker.get("/peers/notifications").get_data(as_text=True)
    assert "Send “thinking of you”" in asker.get(f"/peers/members/{other.member_id}").get_data(as_text=True)
    # Asking someone who already asked me simply connects us.
    third = members.make(display_name="Third")
    opt_in(third)
    third.api("POST", "/api/v1/peers/connections", json={"member_id": asker.member_id})
    response = asker.api("POST", "/api/v1/peers/connections", json={"member_id": third.member_id})
    assert response.status_code == 201 and response.get_json() == {"status": "accepted"}


def test_thinking_of_you_is_rate_limited_and_can_be_turned_off(peers):
    author, peer = peers
    url = f"/api/v1/peers/members/{author.member_id}/nudge"
    assert peer.api("POST", url).status_code == 204
    assert "Sam Peer is thinking of you" in author.api("GET", "/api/v1/peers/notifications").get_data(as_text=True)
    again = peer.api("POST", url)
    assert again.status_code == 409 and "recently" in again.get_json()["error"]["message"]
    opt_in(author, nudges_enabled=False)
    assert "thinking of you" not in peer.get(f"/peers/members/{author.member_id}").get_data(as_text=True)
    # Not connected: nothing to send.
    assert author.api("DELETE", f"/api/v1/peers/connections/{peer.member_id}").status_code == 204
    assert peer.api("POST", url).status_code == 404


def test_nudges_off_are_refused(peers):
    author, peer = peers
    opt_in(author, nudges_enabled=False)
    response = peer.api("POST", f"/api/v1/peers/members/{author.member_id}/nudge")
    assert response.status_code == 409 and "turned these off" in response.get_json()["error"]["message"]


@pytest.fixture
def config_overrides():
    # Per day: the limiter's fixed windows reset on the window's boundary, and a day's is far from any test run
    # (a per-minute window could reset between two requests and let a third through).
    return {"RATELIMIT_PEER_COMMENTS": "6 per day", "RATELIMIT_PEER_COMMENTS_NEW": "2 per day",
            "RATELIMIT_PEER_REQUESTS_NEW": "2 per day"}


def _age(app, client, days: int):
    with app.app_context():
        db.session.execute(update(User).where(User.id == client.user_id)
                           .values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def test_new_accounts_are_throttled_more_on_comments(app, peers):
    author, peer = peers
    entry = share(author)
    url = f"/api/v1/peers/entries/{entry}/comments"
    statuses = [peer.api("POST", url, json={"body": f"hi {i}"}).status_code for i in range(3)]
    assert statuses == [201, 201, 429]
    # The page route spends the same allowance.
    assert peer.post(f"/peers/entries/{entry}/comments", {"body": "via page"}).status_code == 429
    _age(app, author, 30)
    statuses = [author.api("POST", url, json={"body": f"reply {i}"}).status_code for i in range(7)]
    assert statuses == [201] * 6 + [429]


def test_connection_requests_are_rate_limited(members):
    asker = members.make()
    opt_in(asker)
    targets = [members.make() for _ in range(3)]
    for target in targets:
        opt_in(target)
    statuses = [asker.api("POST", "/api/v1/peers/connections", json={"member_id": t.member_id}).status_code
                for t in targets]
    assert statuses == [201, 201, 429]


def test_accept_guidelines_needs_a_profile(members):
    member = members.make()
    assert member.api("POST", "/api/v1/peers/guidelines").status_code == 409
    opt_in(member)
    accept_guidelines(member)
    assert member.api("GET", "/api/v1/peers/profile").get_json()["guidelines_accepted"] is True


def test_public_member_ids_are_not_user_ids(app, peers):
    author, _ = peers
    with app.app_context():
        profile = db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == author.user_id))
    assert author.member_id == str(profile.id) and author.member_id != str(author.user_id)


def test_deleting_an_account_takes_its_peer_traces_with_it(app, peers):
    author, peer = peers
    entry = share(author)
    peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "a reply"})
    peer.api("POST", f"/api/v1/peers/entries/{entry}/reactions", json={"kind": "proud"})
    author.api("POST", "/api/v1/peers/reports", json={"kind": "member", "target_id": peer.member_id,
                                                      "reason": "spam"})
    response = peer.post("/account/delete", {"password": "a calm river at dawn", "confirm": "y"})
    assert response.status_code == 302
    data = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()
    assert data["comments"] == [] and data["comment_count"] == 0
    assert all(r["count"] == 0 for r in data["reactions"])
    assert author.api("GET", "/api/v1/peers/connections").get_json()["connections"] == []
    assert author.get("/peers/notifications").status_code == 200
    with app.app_context():
        for table, column in (("peer_profiles", "user_id"), ("peer_comments", "author_id"),
                              ("peer_reactions", "user_id"), ("peer_connections", "user_high"),
                              ("peer_connections", "user_low"), ("peer_reports", "subject_user_id")):
            left = db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE {column} = :u"),  # noqa: S608
                                     {"u": peer.user_id})
            assert left == 0, (table, column)


def test_profile_lists_must_hold_strings(members):
    member = members.make()
    for field in ("conditions", "topics", "languages"):
        response = member.api("PUT", "/api/v1/peers/profile",
                              json={"enabled": True, "languages": ["en"], field: [["lupus"]]}, check=False)
        assert response.status_code == 422, (field, response.status_code)
        assert f"{field}[0]" in response.get_json()["error"]["fields"]


def test_withdraw_nudge_disconnect_block_and_unblock_through_the_pages(members):
    asker, other = members.make(display_name="Asker"), members.make(display_name="Other")
    opt_in(asker)
    opt_in(other)
    # A request sent, then withdrawn from the connections list: it is gone on both sides.
    assert asker.post(f"/peers/members/{other.member_id}/connect").status_code == 302
    assert "Requests you sent" in asker.get("/peers/connections").get_data(as_text=True)
    response = asker.post(f"/peers/members/{other.member_id}/disconnect", {"next": "connections"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/peers/connections")
    assert "Requests you sent" not in asker.get("/peers/connections").get_data(as_text=True)
    assert "Waiting for you" not in other.get("/peers/connections").get_data(as_text=True)
    # Connected: "thinking of you" from the member's page, once in a while.
    connect(asker, other)
    response = other.post(f"/peers/members/{asker.member_id}/nudge", follow_redirects=True)
    assert "Sent. They will know you are thinking of them." in response.get_data(as_text=True)
    assert "Other is thinking of you" in asker.get("/peers/notifications").get_data(as_text=True)
    response = other.post(f"/peers/members/{asker.member_id}/nudge", follow_redirects=True)
    assert "You sent one recently" in response.get_data(as_text=True)
    # Disconnecting from the member's page ends the connection for both.
    assert other.post(f"/peers/members/{asker.member_id}/disconnect").status_code == 302
    assert asker.api("GET", "/api/v1/peers/connections").get_json()["connections"] == []
    # Blocking goes back to the lists (the profile is gone for them), where the block can be lifted.
    response = asker.post(f"/peers/members/{other.member_id}/block", {"confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/peers/connections")
    page = asker.get("/peers/connections").get_data(as_text=True)
    assert "<h2>Blocked</h2>" in page and "Unblock" in page and "Other" in page
    response = asker.post(f"/peers/members/{other.member_id}/unblock", {"next": "connections"})
    assert response.status_code == 302
    assert "<h2>Blocked</h2>" not in asker.get("/peers/connections").get_data(as_text=True)
    assert asker.get(f"/peers/members/{other.member_id}").status_code == 200


def test_the_guidelines_page_and_marking_notifications_read(peers):
    author, peer = peers
    page = peer.get("/peers/guidelines")
    assert page.status_code == 200 and "How to respond well" in page.get_data(as_text=True)
    assert peer.api("POST", f"/api/v1/peers/members/{author.member_id}/nudge").status_code == 204
    before = author.api("GET", "/api/v1/peers/notifications").get_json()
    assert before["unread"] >= 1 and before["items"][0]["unread"] is True
    assert author.api("POST", "/api/v1/peers/notifications/read").status_code == 204
    after = author.api("GET", "/api/v1/peers/notifications").get_json()
    assert after["unread"] == 0 and len(after["items"]) == len(before["items"])
    assert not any(item["unread"] for item in after["items"])


# --- Two requests at the same moment (PostgreSQL only: see tests/conftest.py) ------------------------------


def _block_while_another_device_does(app, author, peer):
    """author blocks peer while another of author's devices blocks peer at the same moment: (fired, response)."""
    def other_request(_parameters):
        with app.app_context():
            db.session.add(PeerBlock(blocker_id=author.user_id, blocked_id=peer.user_id, created_at=utcnow()))
            db.session.commit()

    with when_first_selected(app, "peer_blocks", other_request) as fired:
        response = author.api("POST", "/api/v1/peers/blocks", json={"member_id": peer.member_id})
    return fired, response


@racing_backend
def test_blocking_from_two_devices_at_once_is_one_block_and_no_error(app, peers):
    fired, response = _block_while_another_device_does(app, *peers)
    assert fired and response.status_code == 204, response.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PeerBlock)) == 1


@racing_backend
def test_a_conflict_that_retrying_cannot_settle_is_a_409_not_a_500(app, peers, monkeypatch):
    from journal import database

    monkeypatch.setattr(database, "CONFLICT_ATTEMPTS", 1)  # no second attempt: the conflict reaches the app
    fired, response = _block_while_another_device_does(app, *peers)
    assert fired and response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    author, peer = peers
    again = author.api("POST", "/api/v1/peers/blocks", json={"member_id": peer.member_id})
    assert again.status_code == 204  # nothing was half-written: doing it again works
