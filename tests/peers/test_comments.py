"""Comments and reactions: encrypted under the entry owner's key, guidelines first, who may edit and
delete, one reaction per kind, notifications with unread counts, and push events."""
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from journal.extensions import db
from journal.peers.models import PeerComment
from journal.push import events
from tests.conftest import Client
from tests.peers.conftest import accept_guidelines, connect, opt_in, share, statements_of

CANARY = "canary-comment-5c1d-I-had-the-same-flare"


@pytest.fixture
def config_overrides():
    # Rate limits have their own tests (test_limits.py); here every account is new and busy.
    return {"RATELIMIT_PEER_COMMENTS_NEW": "100 per minute"}


@pytest.fixture
def pushed(monkeypatch):
    """Every push event queued, as (user_id, event, url)."""
    calls = []
    real = events.notify
    monkeypatch.setattr(events, "notify", lambda user_id, event, url: (calls.append((user_id, event, url)),
                                                                       real(user_id, event, url)))
    return calls


def comment(client, entry, body, **extra):
    return client.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": body, **extra})


def test_comment_and_profile_text_is_absent_from_the_sqlite_file_and_wal(sqlite_app):
    author, peer = Client(sqlite_app), Client(sqlite_app)
    for client, email in ((author, "a@example.org"), (peer, "p@example.org")):
        client.register(email)
        client.confirm_email(email)
        opt_in(client, bio=CANARY + "-bio", other_condition=CANARY + "-other")
    connect(author, peer)
    accept_guidelines(peer)
    entry = share(author)
    assert comment(peer, entry, CANARY).status_code == 201
    assert peer.api("GET", "/api/v1/peers/profile").get_json()["bio"] == CANARY + "-bio"
    assert CANARY in author.api("GET", f"/api/v1/peers/entries/{entry}").get_data(as_text=True)
    database = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [database, database.with_name(database.name + "-wal")]
    assert files[1].exists() and files[1].stat().st_size > 0, "the write went through the WAL"
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), f"comment readable in {path.name}"


def test_comment_text_is_absent_from_database_rows(app, peers):
    author, peer = peers
    opt_in(peer, bio=CANARY + "-bio", other_condition=CANARY + "-other")
    entry = share(author)
    assert comment(peer, entry, CANARY).status_code == 201
    edited = CANARY + "-edited"
    comment_id = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"][0]["id"]
    assert peer.api("PATCH", f"/api/v1/peers/comments/{comment_id}", json={"body": edited}).status_code == 200
    with app.app_context():
        for table in ("peer_comments", "peer_notifications", "peer_reactions", "checkins", "peer_profiles"):
            for row in db.session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed table names
                assert CANARY not in repr(tuple(row)), table
                assert CANARY.encode() not in b"".join(bytes(v) for v in row if isinstance(v, bytes | memoryview))


def test_a_comment_moved_to_another_row_does_not_decrypt(app, peers):
    author, peer = peers
    entry = share(author)
    comment(peer, entry, "first reply")
    comment(peer, entry, "second reply")
    with app.app_context():
        first, second = db.session.scalars(select(PeerComment).order_by(PeerComment.created_at)).all()
        db.session.execute(update(PeerComment).where(PeerComment.id == second.id).values(body_ct=first.body_ct))
        db.session.commit()
    data = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()
    assert [c["body"] for c in data["comments"]] == ["first reply", None]
    assert data["comments"][1]["readable"] is False
    assert "could not be decrypted" in author.get(f"/peers/entries/{entry}").get_data(as_text=True)


def test_guidelines_come_before_a_first_comment_and_are_accepted_once(members):
    author, peer = members.make(), members.make()
    opt_in(author)
    opt_in(peer)
    connect(author, peer)
    entry = share(author)
    response = comment(peer, entry, "hello")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "guidelines_required"
    page = peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert "How to respond well" in page and "No medical advice" in page
    # The page form: without ticking the box the reply is refused and kept; ticking it sends it.
    response = peer.post(f"/peers/entries/{entry}/comments", {"body": "hello"})
    assert response.status_code == 422 and "accept the community guidelines" in response.get_data(as_text=True)
    response = peer.post(f"/peers/entries/{entry}/comments", {"body": "hello", "accept_guidelines": "y"})
    assert response.status_code == 302
    assert "How to respond well" not in peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert comment(peer, entry, "and again").status_code == 201


def test_comment_length_limit(peers):
    author, peer = peers
    entry = share(author)
    assert comment(peer, entry, "x" * 2000).status_code == 201
    response = comment(peer, entry, "x" * 2001)
    assert response.status_code == 422 and "body" in response.get_json()["error"]["fields"]
    assert comment(peer, entry, "   ").status_code == 422


def test_author_deletes_any_comment_commenter_edits_and_deletes_own(peers, members):
    author, peer = peers
    third = members.make(display_name="Third")
    opt_in(third)
    connect(author, third)
    accept_guidelines(third)
    entry = share(author)
    comment(peer, entry, "from peer")
    comment(third, entry, "from third")
    comments = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"]
    peers_id, thirds_id = comments[0]["id"], comments[1]["id"]
    assert [c["may_delete"] for c in comments] == [True, True]
    # Someone else's comment: no edit, no delete.
    assert third.api("PATCH", f"/api/v1/peers/comments/{peers_id}", json={"body": "hijack"}).status_code == 404
    assert third.api("DELETE", f"/api/v1/peers/comments/{peers_id}").status_code == 404
    assert third.post(f"/peers/comments/{peers_id}/delete").status_code == 404
    assert author.api("PATCH", f"/api/v1/peers/comments/{peers_id}", json={"body": "edit"}).status_code == 404
    # The commenter edits their own, through the page.
    assert "from peer" in peer.get(f"/peers/comments/{peers_id}/edit").get_data(as_text=True)
    assert peer.post(f"/peers/comments/{peers_id}/edit", {"body": "from peer, edited"}).status_code == 302
    body = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"][0]
    assert body["body"] == "from peer, edited" and body["edited"] is True
    # The author deletes anyone's; the commenter deletes their own.
    assert author.post(f"/peers/comments/{thirds_id}/delete", {"confirm": "1"}).status_code == 302
    assert peer.api("DELETE", f"/api/v1/peers/comments/{peers_id}").status_code == 204
    assert author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"] == []


def test_a_blocked_members_comments_disappear_from_my_view(peers, members):
    author, peer = peers
    third = members.make(display_name="Third")
    opt_in(third)
    connect(author, third)
    accept_guidelines(third)
    entry = share(author)
    comment(third, entry, "THIRD-words")
    assert "THIRD-words" in peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert peer.api("POST", "/api/v1/peers/blocks", json={"member_id": third.member_id}).status_code == 204
    assert "THIRD-words" not in peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert "THIRD-words" in author.get(f"/peers/entries/{entry}").get_data(as_text=True)


def test_reactions_one_per_person_per_kind(peers):
    author, peer = peers
    entry = share(author)
    url = f"/api/v1/peers/entries/{entry}/reactions"
    assert peer.api("POST", url, json={"kind": "strength"}).status_code == 201
    assert peer.api("POST", url, json={"kind": "strength"}).status_code == 200
    assert peer.api("POST", url, json={"kind": "been_there"}).status_code == 201
    assert peer.api("POST", url, json={"kind": "hugs"}).status_code == 422
    reactions = {r["kind"]: r for r in author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["reactions"]}
    assert reactions["strength"]["count"] == 1 and reactions["been_there"]["count"] == 1
    assert reactions["proud"]["count"] == 0
    assert [r["label"] for r in reactions.values()] == ["Sending strength", "Been there", "Proud of you",
                                                         "Thinking of you"]
    # One tap on the page toggles it off again.
    assert peer.post(f"/peers/entries/{entry}/react", {"kind": "strength", "undo": "1"}).status_code == 302
    mine = {r["kind"]: r["mine"] for r in peer.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["reactions"]}
    assert mine == {"strength": False, "been_there": True, "proud": False, "thinking": False}
    assert peer.api("DELETE", f"{url}/been_there").status_code == 204
    assert peer.api("DELETE", f"{url}/been_there").status_code == 404


def test_the_author_is_notified_in_app_and_by_a_generic_push(peers, pushed):
    author, peer = peers
    entry = share(author)
    before = author.api("GET", "/api/v1/peers/notifications").get_json()["unread"]
    comment(peer, entry, "SECRET-reply-words")
    peer.api("POST", f"/api/v1/peers/entries/{entry}/reactions", json={"kind": "proud"})
    peer.api("POST", f"/api/v1/peers/entries/{entry}/reactions", json={"kind": "strength"})  # not a second ping
    notes = author.api("GET", "/api/v1/peers/notifications").get_json()
    assert notes["unread"] == before + 2
    assert [n["text"] for n in notes["items"][:2]] == ["Sam Peer sent you support on a check-in",
                                                       "Sam Peer replied to your check-in"]
    assert (author.user_id, "comment", f"/peers/entries/{entry}") in pushed
    assert pushed.count((author.user_id, "reaction", f"/peers/entries/{entry}")) == 1
    assert all("SECRET" not in url for _, _, url in pushed)
    # The count shows on Peers pages; opening the list marks everything read.
    badge = f'<span class="badge" aria-label="{notes["unread"]} unread">'
    assert badge in author.get("/peers/").get_data(as_text=True)
    page = author.get("/peers/notifications").get_data(as_text=True)
    assert "Sam Peer replied to your check-in" in page and "SECRET-reply-words" not in page
    assert author.api("GET", "/api/v1/peers/notifications").get_json()["unread"] == 0
    # Replying on one's own check-in notifies nobody.
    pushed.clear()
    comment(author, entry, "thank you")
    assert pushed == []


def test_the_timeline_pays_nothing_for_notification_counts(app, peers):
    """Counts are shown only on Peers pages: the timeline runs no peer query."""
    from sqlalchemy import event

    author, peer = peers
    comment(peer, share(author), "hi")
    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert author.get("/timeline").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert statements and not any("peer_" in sql for sql in statements)


def test_the_entry_page_runs_the_same_queries_for_one_reply_or_many(app, peers, members):
    """Replies are decrypted with the entry owner's key, unwrapped once: no query per reply."""
    author, peer = peers
    entry = share(author)
    comment(peer, entry, "first reply")
    one_reply = statements_of(app, peer, f"/peers/entries/{entry}")
    third = members.make(display_name="Third")
    opt_in(third)
    connect(author, third)
    accept_guidelines(third)
    for client, body in ((third, "second reply"), (peer, "third reply"), (third, "fourth reply")):
        assert comment(client, entry, body).status_code == 201
    page = peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert all(f"{n} reply" in page for n in ("first", "second", "third", "fourth"))
    assert len(statements_of(app, peer, f"/peers/entries/{entry}")) == len(one_reply)
