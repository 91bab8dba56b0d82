"""Reports and moderation: the queue, content decrypted for moderators only and logged, and actions
(dismiss, hide, warn, suspend) recorded with who, when and why; reporters learn it was handled."""
import re

import pytest
from sqlalchemy import select

from journal.audit import AccessLogEntry
from journal.extensions import db
from journal.peers.models import ModerationAction, PeerReport
from tests.peers.conftest import share


@pytest.fixture
def config_overrides():
    return {"RATELIMIT_PEER_COMMENTS_NEW": "100 per minute"}


@pytest.fixture
def moderator(app, members):
    return members.make(role="moderator", display_name="Mo Derator")


def report(client, kind, target, reason="unkind", details=""):
    response = client.api("POST", "/api/v1/peers/reports",
                          json={"kind": kind, "target_id": target, "reason": reason, "details": details})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def act(moderator, report_id, action, why="Broke guideline 1", **extra):
    return moderator.post(f"/peers/moderation/reports/{report_id}", {"action": action, "why": why, **extra})


def _reply_id(commenter, author, entry) -> str:
    commenter.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "a reply"})
    return author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"][0]["id"]


def notes_of(client):
    return [n["text"] for n in client.api("GET", "/api/v1/peers/notifications").get_json()["items"]]


def test_members_report_what_they_can_see_and_nothing_else(peers, members):
    author, peer = peers
    stranger = members.make()
    entry = share(author, note="REPORTED-NOTE")
    private = share(author, audience={"peers": False})
    assert peer.get(f"/peers/report/entry/{entry}").status_code == 200
    assert peer.get(f"/peers/report/entry/{private}").status_code == 404
    assert stranger.api("POST", "/api/v1/peers/reports",
                        json={"kind": "entry", "target_id": entry, "reason": "spam"}).status_code == 404
    response = peer.post(f"/peers/report/entry/{entry}", {"reason": "medical_advice", "details": "DETAIL-words"})
    assert response.status_code == 302
    # Reporting the same thing again keeps the one open report.
    first = report(peer, "entry", entry, "medical_advice")
    assert report(peer, "entry", entry, "spam") == first
    assert report(author, "comment", _reply_id(peer, author, entry), "unkind") != first
    bad = peer.api("POST", "/api/v1/peers/reports", json={"kind": "entry", "target_id": entry, "reason": "boo"})
    assert bad.status_code == 422


def test_only_moderators_reach_the_queue(peers, members):
    author, _ = peers
    clinician = members.make(role="clinician")
    for client in (author, clinician):
        assert client.get("/peers/moderation").status_code == 403
        assert client.get("/peers/moderation/log").status_code == 403


def test_moderators_do_not_get_general_access_to_entries(peers, moderator):
    author, _ = peers
    entry = share(author, note="NOT-FOR-MODS")
    assert moderator.get(f"/peers/entries/{entry}").status_code == 403
    assert moderator.api("GET", f"/api/v1/peers/entries/{entry}").status_code == 403
    assert moderator.api("GET", f"/api/v1/checkins/{entry}").status_code == 404


def test_the_queue_shows_reported_content_decrypted_and_records_the_look(app, peers, moderator):
    author, peer = peers
    entry = share(author, note="REPORTED-NOTE")
    hidden = share(author, note="KEPT-PRIVATE-NOTE", audience={"hide_note_from_peers": True})
    report_id = report(peer, "entry", entry, "unkind", "DETAIL-words")
    hidden_report = report(peer, "entry", hidden, "spam")
    queue = moderator.get("/peers/moderation").get_data(as_text=True)
    assert "Robin Author" in queue and "REPORTED-NOTE" not in queue  # the queue lists, it does not show
    page = moderator.get(f"/peers/moderation/reports/{report_id}").get_data(as_text=True)
    assert "REPORTED-NOTE" in page and "DETAIL-words" in page and "Sam Peer" in page
    # What the reporter could not see, the moderator does not see either.
    page = moderator.get(f"/peers/moderation/reports/{hidden_report}").get_data(as_text=True)
    assert "KEPT-PRIVATE-NOTE" not in page
    with app.app_context():
        looks = db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "moderation")).all()
        assert [(log.owner_id, log.viewer_name, log.viewer_role, log.entry_count) for log in looks] == [
            (author.user_id, "Mo Derator", "moderator", 1)] * 2


def test_dismiss_is_recorded_and_the_reporter_learns_it_was_handled(app, peers, moderator):
    author, peer = peers
    entry = share(author)
    report_id = report(peer, "entry", entry)
    response = act(moderator, report_id, "dismiss", why="Reads as support, not advice")
    assert response.status_code == 302
    assert "A moderator reviewed your report" in notes_of(peer)[0]
    assert peer.get(f"/peers/entries/{entry}").status_code == 200  # nothing hidden
    with app.app_context():
        row = db.session.scalar(select(PeerReport))
        assert row.status == "dismissed" and row.handled_at is not None
        action = db.session.scalar(select(ModerationAction))
        assert (action.action, action.moderator_name, action.subject_user_id) == ("dismiss", "Mo Derator",
                                                                                  author.user_id)
        assert action.created_at is not None and b"Reads as support" not in action.why_ct  # why: encrypted
    log = moderator.get("/peers/moderation/log").get_data(as_text=True)
    assert "Reads as support, not advice" in log and "Mo Derator" in log and "Dismiss" in log
    # A handled report cannot be acted on twice; the queue is empty.
    assert act(moderator, report_id, "hide").status_code == 302
    assert "No open reports" in moderator.get("/peers/moderation").get_data(as_text=True)


def test_hiding_a_comment_and_an_entry(peers, moderator, members):
    author, peer = peers
    entry = share(author)
    peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "NASTY-words"})
    comment_id = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"][0]["id"]
    comment_report = report(author, "comment", comment_id, "unkind")
    page = moderator.get(f"/peers/moderation/reports/{comment_report}").get_data(as_text=True)
    assert "NASTY-words" in page
    assert act(moderator, comment_report, "hide", why="Insulting").status_code == 302
    assert "NASTY-words" not in author.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert "A moderator hid something you posted" in notes_of(peer)[0]
    assert "Insulting" in peer.get("/peers/notifications").get_data(as_text=True)  # the author of it may read why
    # An entry hidden by a moderator disappears for peers; its author still has it in their journal.
    entry_report = report(peer, "entry", entry, "spam")
    assert act(moderator, entry_report, "hide", why="Advertising").status_code == 302
    assert peer.get(f"/peers/entries/{entry}").status_code == 404
    assert peer.api("GET", "/api/v1/peers/feed").get_json()["items"] == []
    assert author.api("GET", f"/api/v1/checkins/{entry}").status_code == 200


def test_warning_reaches_the_member_with_the_reason(peers, moderator):
    author, peer = peers
    report_id = report(author, "member", peer.member_id, "contact_details", "asked for my number")
    assert act(moderator, report_id, "warn", why="Please keep contact details private").status_code == 302
    page = peer.get("/peers/notifications").get_data(as_text=True)
    assert "A moderator sent you a warning" in page and "Please keep contact details private" in page
    warning = peer.api("GET", "/api/v1/peers/notifications").get_json()["items"][0]
    assert warning["kind"] == "warning" and warning["moderator_note"] == "Please keep contact details private"
    assert "A moderator reviewed your report" in notes_of(author)[0]


def test_suspension_signs_the_member_out_and_keeps_them_out(app, peers, moderator, new_client):
    author, peer = peers
    entry = share(peer, note="suspended member's entry")
    assert author.get(f"/peers/entries/{entry}").status_code == 200
    report_id = report(author, "member", peer.member_id, "unkind")
    detail = moderator.get(f"/peers/moderation/reports/{report_id}").get_data(as_text=True)
    assert "Suspend the account" in detail
    assert act(moderator, report_id, "suspend", why="Repeated abuse", suspend_for="7").status_code == 302
    # Their live session ends on the next request; logging in again is refused with the reason.
    assert peer.get("/peers/").status_code == 302
    assert peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "x"}).status_code == 401
    again = new_client()
    response = again.login(peer.email)
    landing = again.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "This account is suspended until" in landing
    assert again.get("/timeline").status_code == 302
    # Their shared entries are hidden from peers while suspended.
    assert author.get(f"/peers/entries/{entry}").status_code == 404
    # Lifting it is recorded too, and they can log in again.
    detail = moderator.get(f"/peers/moderation/reports/{report_id}").get_data(as_text=True)
    assert act(moderator, report_id, "warn").status_code == 302  # handled already: nothing happens
    with app.app_context():
        actions = [a.action for a in db.session.scalars(select(ModerationAction))]
    assert actions == ["suspend"]
    lift = moderator.post(f"/peers/moderation/members/{peer.member_id}/lift", {"why": "Appeal accepted"})
    assert lift.status_code == 302
    fresh = new_client()
    fresh.login(peer.email)
    assert fresh.get("/timeline").status_code == 200
    log = moderator.get("/peers/moderation/log").get_data(as_text=True)
    assert re.search(r"Lift suspension.*Appeal accepted", log, re.S) and "Repeated abuse" in log


def test_moderator_actions_need_a_reason(peers, moderator):
    author, peer = peers
    report_id = report(peer, "entry", share(author))
    response = act(moderator, report_id, "hide", why="")
    assert response.status_code == 422 and "Say why" in response.get_data(as_text=True)


def test_the_members_access_log_shows_the_moderators_look(peers, moderator):
    author, peer = peers
    report_id = report(peer, "entry", share(author, note="x"))
    moderator.get(f"/peers/moderation/reports/{report_id}")
    from journal.audit import accesses_for

    with moderator.app.app_context():
        rows = accesses_for(author.user_id)
        assert rows and rows[0].description == "reviewed reported content"
