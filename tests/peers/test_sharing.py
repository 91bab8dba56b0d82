"""The Peers feed and entry-by-entry sharing: only what the author chose, changes effective at once."""
import re

from tests.conftest import add_item, make_checkin
from tests.peers.conftest import connect, opt_in, share, statements_of


def feed_ids(client) -> list[str]:
    response = client.api("GET", "/api/v1/peers/feed")
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def test_feed_shows_connections_shared_entries_newest_first_and_never_private_ones(peers, members):
    author, peer = peers
    other = members.make(display_name="Other")
    opt_in(other)
    connect(other, peer)
    old = share(author, mood=2, occurred_at="2026-01-01T08:00:00Z")
    private = make_checkin(author, mood=1, note="PRIVATE-words", occurred_at="2026-01-02T08:00:00Z")["id"]
    clinician_only = make_checkin(author, mood=1, occurred_at="2026-01-02T09:00:00Z",
                                  audience={"clinicians": True})["id"]
    newer = share(other, mood=4, occurred_at="2026-01-03T08:00:00Z")
    newest = share(author, mood=5, note="HIDDEN-words", audience={"hide_note_from_peers": True},
                   occurred_at="2026-01-04T08:00:00Z")
    assert feed_ids(peer) == [newest, newer, old]
    assert private not in feed_ids(peer) and clinician_only not in feed_ids(peer)
    page = peer.get("/peers/").get_data(as_text=True)
    assert "PRIVATE-words" not in page and "HIDDEN-words" not in page
    assert "Robin Author" in page and "note kept private" in page
    # The author's own entries are not in their feed, and someone with no connections sees none.
    assert newest not in feed_ids(author) and old not in feed_ids(author)
    assert feed_ids(other) == []  # connected to the peer only, who shared nothing


def test_hidden_note_shares_scores_and_symptoms_only(peers):
    author, peer = peers
    symptom = add_item(author, "symptoms", "Joint pain")
    tag = add_item(author, "tags", "SECRET-TAG")
    med = add_item(author, "medications", "SECRET-MED")
    entry = share(author, mood=2, energy=1, pain=3, note="SECRET-NOTE", symptoms=[{"id": symptom, "severity": 3}],
                  tags=[tag], medications=[{"id": med}], audience={"hide_note_from_peers": True})
    data = peer.api("GET", f"/api/v1/peers/entries/{entry}").get_json()
    assert (data["mood"], data["energy"], data["pain"]) == (2, 1, 3)
    assert [s["name"] for s in data["symptoms"]] == ["Joint pain"]
    assert data["note"] is None and data["tags"] == [] and data["medications"] == []
    page = peer.get(f"/peers/entries/{entry}").get_data(as_text=True)
    for secret in ("SECRET-NOTE", "SECRET-TAG", "SECRET-MED"):
        assert secret not in page and secret not in str(data)
    assert "Joint pain" in page
    # Without the hidden note, the peer sees what the author recorded, names decrypted with the author's key.
    full = share(author, mood=3, note="open note", tags=[tag], medications=[{"id": med}])
    data = peer.api("GET", f"/api/v1/peers/entries/{full}").get_json()
    assert data["note"] == "open note" and data["tags"][0]["name"] == "SECRET-TAG"
    assert data["medications"][0]["name"] == "SECRET-MED"


def test_unsharing_hides_the_entry_and_its_comments_on_the_next_request(peers):
    author, peer = peers
    entry = share(author, note="shared words")
    response = peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "COMMENT-words"})
    assert response.status_code == 201
    assert peer.get(f"/peers/entries/{entry}").status_code == 200
    response = author.api("PATCH", f"/api/v1/checkins/{entry}",
                          json={"audience": {"peers": False, "clinicians": False, "hide_note_from_peers": False}})
    assert response.status_code == 200
    assert peer.get(f"/peers/entries/{entry}").status_code == 404
    assert peer.api("GET", f"/api/v1/peers/entries/{entry}").status_code == 404
    assert entry not in feed_ids(peer)
    assert "COMMENT-words" not in peer.get("/peers/").get_data(as_text=True)
    # Sharing again through the quick control brings it back.
    assert author.post(f"/peers/entries/{entry}/share", {"share_peers": "1"}).status_code == 302
    assert peer.get(f"/peers/entries/{entry}").status_code == 200


def test_the_quick_share_control_on_the_entry_page(peers):
    author, peer = peers
    entry = make_checkin(author, note="quietly")["id"]
    page = author.get(f"/entries/{entry}").get_data(as_text=True)
    assert "Share with my peers" in page
    response = author.post(f"/peers/entries/{entry}/share", {"share_peers": "1", "next": "entry"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/entries/{entry}")
    assert entry in feed_ids(peer)
    assert "Stop sharing with peers" in author.get(f"/entries/{entry}").get_data(as_text=True)
    # Only the author may change it: anyone else's attempt is a 404.
    assert peer.post(f"/peers/entries/{entry}/share", {"share_peers": "0"}).status_code == 404
    assert entry in feed_ids(peer)


def test_blocking_takes_effect_on_the_next_request_both_ways(peers):
    author, peer = peers
    entry = share(author)
    peer_entry = share(peer)
    assert peer.get(f"/peers/entries/{entry}").status_code == 200
    response = peer.post(f"/peers/members/{author.member_id}/block", {"confirm": "1"})
    assert response.status_code == 302
    assert peer.get(f"/peers/entries/{entry}").status_code == 404
    assert author.get(f"/peers/entries/{peer_entry}").status_code == 404
    assert feed_ids(peer) == [] and feed_ids(author) == []
    # Mutual invisibility: neither can open the other's profile or ask to connect again.
    assert author.get(f"/peers/members/{peer.member_id}").status_code == 404
    assert peer.get(f"/peers/members/{author.member_id}").status_code == 404
    response = author.api("POST", "/api/v1/peers/connections", json={"member_id": peer.member_id})
    assert response.status_code == 404
    # Unblocking does not reconnect.
    assert peer.api("DELETE", f"/api/v1/peers/blocks/{author.member_id}").status_code == 204
    assert peer.get(f"/peers/entries/{entry}").status_code == 404


def test_opting_out_hides_everything_shared_at_once_and_opting_in_restores_it(peers):
    author, peer = peers
    entry = share(author)
    assert author.post("/peers/profile/leave").status_code == 302
    assert peer.get(f"/peers/entries/{entry}").status_code == 404
    assert feed_ids(peer) == []
    assert peer.get(f"/peers/members/{author.member_id}").status_code == 404
    opt_in(author)
    assert peer.get(f"/peers/entries/{entry}").status_code == 200


def test_disconnecting_ends_access_without_telling_the_other(peers):
    author, peer = peers
    entry = share(author)
    before = author.api("GET", "/api/v1/peers/notifications").get_json()["items"]
    assert peer.api("DELETE", f"/api/v1/peers/connections/{author.member_id}").status_code == 204
    assert peer.get(f"/peers/entries/{entry}").status_code == 404
    assert author.api("GET", "/api/v1/peers/notifications").get_json()["items"] == before


def test_feed_is_keyset_paginated(peers):
    author, peer = peers
    ids = [share(author, occurred_at=f"2026-02-{day:02d}T08:00:00Z") for day in range(1, 26)]
    first = peer.api("GET", "/api/v1/peers/feed").get_json()
    assert [i["id"] for i in first["items"]] == ids[::-1][:20] and first["next_cursor"]
    second = peer.api("GET", f"/api/v1/peers/feed?cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in second["items"]] == ids[::-1][20:] and second["next_cursor"] is None
    assert peer.api("GET", "/api/v1/peers/feed?cursor=nonsense").status_code == 400
    page = peer.get("/peers/").get_data(as_text=True)
    assert "Older check-ins" in page
    cursor = re.search(r'href="/peers/\?before=([^"]+)"', page).group(1)
    assert peer.get(f"/peers/?before={cursor}").status_code == 200


def test_emails_never_appear_on_peer_pages_or_api_responses(peers, members):
    author, peer = peers
    stranger = members.make(display_name="Stranger")
    opt_in(stranger)
    entry = share(author, note="hello")
    peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "hi"})
    peer.api("POST", f"/api/v1/peers/entries/{entry}/reactions", json={"kind": "proud"})
    stranger.api("POST", "/api/v1/peers/connections", json={"member_id": author.member_id})
    emails = [author.email, peer.email, stranger.email]
    for client in (author, peer, stranger):
        for url in ("/peers/", "/peers/suggestions", "/peers/connections", "/peers/notifications", "/peers/profile",
                    f"/peers/entries/{entry}", f"/peers/members/{author.member_id}",
                    f"/peers/members/{peer.member_id}", f"/peers/members/{stranger.member_id}"):
            body = client.get(url).get_data(as_text=True)
            assert not any(email in body for email in emails), (url, client.email)
        for url in ("/api/v1/peers/feed", "/api/v1/peers/suggestions", "/api/v1/peers/connections",
                    "/api/v1/peers/notifications", "/api/v1/peers/profile", f"/api/v1/peers/entries/{entry}"):
            response = client.api("GET", url, check=False)
            body = response.get_data(as_text=True)
            assert response.status_code in (200, 404), url
            assert not any(email in body for email in emails), (url, client.email)


def test_the_feed_runs_the_same_queries_for_one_author_or_many(app, peers, members):
    """No query per author or per entry: keys, names, cards and support come a page at a time."""
    author, peer = peers

    def shares(client, name):
        symptom = add_item(client, "symptoms", f"{name} symptom")
        tag = add_item(client, "tags", f"{name} tag")
        for hide in (False, True):
            share(client, note=f"{name} note", symptoms=[{"id": symptom, "severity": 2}], tags=[tag],
                  audience={"hide_note_from_peers": hide})

    shares(author, "First")
    one_author = statements_of(app, peer, "/peers/")
    for name in ("Second", "Third"):
        other = members.make(display_name=name)
        opt_in(other)
        connect(other, peer)
        shares(other, name)
    page = peer.get("/peers/").get_data(as_text=True)
    assert all(f"{name} symptom" in page for name in ("First", "Second", "Third"))
    assert all(f"<li>{name} tag</li>" in page for name in ("First", "Second", "Third"))
    three_authors = statements_of(app, peer, "/peers/")
    assert len(three_authors) == len(one_author), "\n".join(three_authors)


def test_the_feeds_reaction_buttons_work_as_rendered_and_repeat_no_element_id(peers):
    author, peer = peers
    entry = share(author, mood=4)
    share(author, mood=2)
    page = peer.get("/peers/").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    # Post the first reaction form of this entry exactly as the page has it: its own fields, no others.
    form = re.search(rf'<form method="post" action="(/peers/entries/{entry}/react)"[^>]*>(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert set(fields) == {"csrf_token", "kind", "next"}
    response = peer.post(form.group(1), fields, csrf=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#entry-{entry}")
    item = next(i for i in peer.api("GET", "/api/v1/peers/feed").get_json()["items"] if i["id"] == entry)
    mine = [r for r in item["reactions"] if r["mine"]]
    assert [(r["kind"], r["count"]) for r in mine] == [(fields["kind"], 1)], item
    # The button now takes the reaction back, and says it is pressed.
    page = peer.get("/peers/").get_data(as_text=True)
    form = re.search(rf'action="/peers/entries/{entry}/react"[^>]*>((?:(?!</form>).)*name="kind" value="'
                     rf'{fields["kind"]}".*?)</form>', page, re.S).group(1)
    assert 'name="undo" value="1"' in form and 'aria-pressed="true"' in form and '<span class="count">1</span>' in form


def test_the_feed_escapes_what_members_typed(members):
    author = members.make(display_name='Robin & "Co"')  # names may not hold < or >
    peer = members.make(display_name="Sam Peer")
    opt_in(author)
    opt_in(peer)
    connect(author, peer)
    tag = add_item(author, "tags", "<i>tagged</i>")
    share(author, note="<script>alert(1)</script> & more", tags=[tag])
    page = peer.get("/peers/").get_data(as_text=True)
    assert "<script>alert" not in page and "<i>tagged" not in page and 'Robin & "Co"' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "Robin &amp; &#34;Co&#34;" in page and "<li>&lt;i&gt;tagged&lt;/i&gt;</li>" in page
