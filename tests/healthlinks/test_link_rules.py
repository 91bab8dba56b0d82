"""A link's rules as the receiving app meets them: passcode attempts count down and lock, expired and
revoked links answer 404, bad requests get a JSON 400 (never a 500), each opening is in the member's access
log, and only the owner lists and revokes their links."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from journal.extensions import utcnow
from tests.conftest import make_checkin
from tests.healthlinks.conftest import make_link
from tests.healthlinks.receiver import ask_manifest, open_link, path_of, payload_of

REVOKE = re.compile(r'action="(/sharing/links/[0-9a-f-]+/revoke)"')


def _revoke_path(member) -> str:
    return REVOKE.search(member.get("/sharing/links/").get_data(as_text=True)).group(1)


def test_a_wrong_passcode_counts_down_then_the_link_locks(app, member, client):
    make_checkin(member, mood=3)
    link = make_link(member, app, passcode="blue-heron-7")
    payload = payload_of(link)
    assert payload["flag"] == "P"
    missing = ask_manifest(client.http, payload)
    assert missing.status_code == 401 and missing.get_json() == {"remainingAttempts": 5}  # asking costs nothing
    for left in (4, 3, 2, 1):
        wrong = ask_manifest(client.http, payload, passcode="red-heron-7")
        assert wrong.status_code == 401 and wrong.get_json() == {"remainingAttempts": left}
    assert "passcode, 1 wrong try left" in member.get("/sharing/links/").get_data(as_text=True)
    assert open_link(client.http, link, passcode="blue-heron-7")["resourceType"] == "Bundle"
    last = ask_manifest(client.http, payload, passcode="nope-nope")
    assert last.status_code == 401 and last.get_json() == {"remainingAttempts": 0}
    locked = ask_manifest(client.http, payload, passcode="blue-heron-7")
    assert locked.status_code == 404  # no attempts left: the link is closed, even to the right passcode
    page = member.get("/sharing/links/").get_data(as_text=True)
    assert "locked (too many wrong passcodes)" in page and "Opened 1 time" in page


def test_an_expired_link_answers_404(app, member, client):
    link = make_link(member, app, expiry_days=1)
    payload = payload_of(link)
    assert payload["exp"] - int(utcnow().timestamp()) in range(86400 - 60, 86400 + 1)
    assert ask_manifest(client.http, payload).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=True):
        assert ask_manifest(client.http, payload).status_code == 404
        assert "expired" in member.get("/sharing/links/").get_data(as_text=True)


def test_a_revoked_link_answers_404_and_its_file_address_dies_with_it(app, member, client):
    link = make_link(member, app)
    payload = payload_of(link)
    location = ask_manifest(client.http, payload, embeddedLengthMax=0).get_json()["files"][0]["location"]
    path = _revoke_path(member)
    ask = member.post(path)
    assert ask.status_code == 200 and "Revoke this link?" in ask.get_data(as_text=True)  # ask first
    assert ask_manifest(client.http, payload).status_code == 200  # not yet
    done = member.post(path, {"confirm": "1"})
    assert done.status_code == 302 and done.headers["Location"] == "/sharing/links/"
    gone = ask_manifest(client.http, payload)
    assert gone.status_code == 404 and gone.mimetype == "application/json"
    assert client.http.get(path_of(location)).status_code == 404
    assert "revoked" in member.get("/sharing/links/").get_data(as_text=True)


def test_a_file_address_lives_an_hour_and_cannot_be_forged(app, member, client):
    payload = payload_of(make_link(member, app))
    location = path_of(ask_manifest(client.http, payload, embeddedLengthMax=0).get_json()["files"][0]["location"])
    assert client.http.get(location).status_code == 200
    # One character changed inside the signature (not its last two, whose low bits base64 may ignore: the
    # earlier "replace the last two with xx" left the signature valid about one run in a thousand).
    forged = location[:-5] + ("A" if location[-5] != "A" else "B") + location[-4:]
    assert client.http.get(forged).status_code == 404
    assert client.http.get("/shl/file/not-a-ticket").status_code == 404
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=1), tick=True):
        assert client.http.get(location).status_code == 404


def test_unknown_links_answer_404(client):
    response = client.http.post("/shl/" + "A" * 43, json={"recipient": "x"})
    assert response.status_code == 404 and "error" in response.get_json()


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", b'{"passcode": "x"}', b'{"recipient": ""}', b'{"recipient": 7}',
    b'{"recipient": "x", "passcode": 1234}', b'{"recipient": "x", "embeddedLengthMax": "big"}',
    b'{"recipient": "x", "embeddedLengthMax": -1}', b'{"recipient": "x", "embeddedLengthMax": true}',
    b'{"recipient": "a\\u0000b"}', b'{"recipient": "x\\ud800"}',
    b'{"recipient": "x", "a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    b'{"recipient": "x", "embeddedLengthMax": NaN}', b'{"recipient": "' + b"x" * 201 + b'"}', b"\xff\xfe",
])
def test_bad_manifest_requests_get_a_json_400_never_a_500(app, member, client, body):
    payload = payload_of(make_link(member, app))
    response = client.http.post(path_of(payload["url"]), data=body, content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()


def test_receiving_apps_on_other_origins_may_call_and_nothing_is_cached(app, member, client):
    payload = payload_of(make_link(member, app))
    response = ask_manifest(client.http, payload)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    preflight = client.http.options(path_of(payload["url"]), headers={"Origin": "https://viewer.example",
                                                                      "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_each_opening_is_in_the_members_access_log_under_the_recipients_name(app, member, client):
    make_checkin(member, mood=2)
    link = make_link(member, app, days_back=2)
    open_link(client.http, link, recipient="Verona Health System")
    open_link(client.http, link, recipient="Dr Okafor's phone")
    log = member.get("/sharing/clinicians/access-log").get_data(as_text=True)
    assert log.count("opened a health link with 1 entry") == 2
    assert "Verona Health System" in log and "Dr Okafor&#39;s phone" in log
    assert "Opened 2 times" in member.get("/sharing/links/").get_data(as_text=True)
    items = member.api("GET", "/api/v1/sharing/access-log").get_json()["items"]  # checked against the document
    assert [(i["viewer_name"], i["viewer_role"], i["action"]) for i in items] == [
        ("Dr Okafor's phone", "health_link", "health_link"), ("Verona Health System", "health_link", "health_link")]


def test_only_the_owner_sees_and_revokes_a_link(app, members, client):
    owner, other = members.make(), members.make()
    make_link(owner, app, label="Owner's link")
    path = _revoke_path(owner)
    assert "Owner" not in other.get("/sharing/links/").get_data(as_text=True)
    assert other.post(path, {"confirm": "1"}).status_code == 404
    assert "active" in owner.get("/sharing/links/").get_data(as_text=True)
    assert client.get("/sharing/links/").status_code == 302  # anonymous: to the login page
    assert client.post(path, {"confirm": "1"}, csrf=False).status_code in (302, 400)
    doc = members.make(role="clinician")
    assert doc.get("/sharing/links/").status_code == 403


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_HEALTHLINK_IP": "3 per minute"}])
def test_the_public_endpoints_are_rate_limited_per_address(app, member, client):
    payload = payload_of(make_link(member, app, passcode="heron-heron"))
    statuses = [ask_manifest(client.http, payload, passcode=f"guess-{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_a_deleted_account_takes_its_links_with_it(app, member, client):
    from tests.conftest import PASSWORD

    make_checkin(member, mood=3)
    payload = payload_of(make_link(member, app))
    assert member.post("/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert ask_manifest(client.http, payload).status_code == 404
    with app.app_context():
        from sqlalchemy import func, select

        from journal.extensions import db
        from journal.healthlinks.models import HealthLink

        assert db.session.scalar(select(func.count()).select_from(HealthLink)) == 0
