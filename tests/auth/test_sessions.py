"""Server-side sessions: logout ends the session on the server, and members see and end their devices."""
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from journal.auth.models import AuthSession
from journal.extensions import db
from tests.conftest import PASSWORD

CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
SAFARI_IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.5 Mobile/15E148 Safari/604.1")
SIGN_OUT_FORM = re.compile(r'action="(/account/sessions/([0-9a-f-]{36})/sign-out)"')


def copy_of(app, original, new_client):
    """Another browser holding a copy of `original`'s session cookie, as someone who copied it would."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = original.http.get_cookie(name)
    assert cookie is not None
    thief = new_client()
    thief.http.set_cookie(name, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def signed_in(new_client, email, user_agent, address="198.51.100.23"):
    """A device of an existing account: its own browser (User-Agent, address), logged in through the form."""
    device = new_client()
    device.http.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    assert device.login(email).status_code == 302
    device.email = email
    return device


def session_ids(client):
    return {item["browser"]: item["id"] for item in client.api("GET", "/api/v1/account/sessions").get_json()["items"]}


def is_signed_in(client) -> bool:
    status = client.api("GET", "/api/v1/checkins").status_code
    assert status in (200, 401)
    return status == 200


def test_a_copied_session_cookie_stops_working_once_its_owner_logs_out(app, member, new_client):
    """Regression (issue 9): the cookie alone must not outlive the session it belonged to."""
    copy = copy_of(app, member, new_client)
    assert copy.api("GET", "/api/v1/checkins").status_code == 200
    assert copy.get("/").headers["Location"] == "/checkin"

    assert member.logout().status_code == 302

    assert copy.api("GET", "/api/v1/checkins").status_code == 401
    response = copy.get("/")
    assert response.status_code == 200 and "Log in" in response.get_data(as_text=True)  # the public home
    response = copy.get("/timeline")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0


def test_devices_are_listed_by_browser_with_this_device_marked_and_never_an_address(app, members, new_client):
    phone = signed_in(new_client, members.make().email, CHROME_ANDROID, address="203.0.113.77")
    signed_in(new_client, phone.email, FIREFOX_WINDOWS, address="2001:db8::4242")

    page = phone.get("/account").get_data(as_text=True)
    devices = page.split('id="devices"', 1)[1].split("</section>", 1)[0]
    assert "Chrome on Android" in devices and "Firefox on Windows" in devices
    assert devices.count("This device") == 1
    assert devices.index("Chrome on Android") < devices.index("This device") < devices.index("Firefox on Windows")
    assert len(SIGN_OUT_FORM.findall(devices)) == 2  # the other two (members.make signed in too), not this one
    assert "just now" in devices

    items = phone.api("GET", "/api/v1/account/sessions").get_json()["items"]
    assert [(i["browser"], i["current"]) for i in items] == [
        ("Chrome on Android", True), ("Firefox on Windows", False), ("Browser", False)]  # then most recent first
    for text in (page, str(items)):
        assert "203.0.113" not in text and "2001:db8" not in text
    with app.app_context():
        rows = db.session.execute(select(AuthSession.__table__)).all()
        assert len(rows) == 3  # members.make's own login, the phone and the laptop
        for row in rows:
            assert not any(isinstance(v, str) and ("203.0.113" in v or "2001:db8" in v or "127.0.0.1" in v)
                           for v in row)


def test_signing_out_one_device_ends_only_that_one(app, members, new_client):
    email = members.make().email
    phone = signed_in(new_client, email, CHROME_ANDROID)
    laptop = signed_in(new_client, email, FIREFOX_WINDOWS)
    tablet = signed_in(new_client, email, SAFARI_IPAD)

    page = phone.get("/account").get_data(as_text=True)
    laptop_id = session_ids(phone)["Firefox on Windows"]
    action = f"/account/sessions/{laptop_id}/sign-out"
    assert action in page
    response = phone.post(action)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Signed out Firefox on Windows." in phone.get("/account").get_data(as_text=True)

    assert not is_signed_in(laptop)
    assert is_signed_in(phone) and is_signed_in(tablet)
    assert "Firefox on Windows" not in session_ids(phone)

    # The API does the same; ending an ended session is a 404.
    tablet_id = session_ids(phone)["Safari on iPad"]
    assert phone.api("DELETE", f"/api/v1/account/sessions/{tablet_id}").status_code == 204
    assert not is_signed_in(tablet) and is_signed_in(phone)
    assert phone.api("DELETE", f"/api/v1/account/sessions/{tablet_id}").status_code == 404
    assert phone.post(action).status_code == 404


def test_sign_out_everywhere_keeps_this_device(app, members, new_client):
    email = members.make().email
    phone = signed_in(new_client, email, CHROME_ANDROID)
    laptop = signed_in(new_client, email, FIREFOX_WINDOWS)
    stolen = copy_of(app, laptop, new_client)
    copy_of_this_one = copy_of(app, phone, new_client)
    response = phone.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert not is_signed_in(laptop) and not is_signed_in(stolen)
    assert is_signed_in(phone)
    assert not is_signed_in(copy_of_this_one)  # this device got a new secret: an earlier copy is dead
    assert list(session_ids(phone)) == ["Chrome on Android"]


def test_another_member_cannot_end_my_session(app, members, new_client):
    mine = signed_in(new_client, members.make().email, CHROME_ANDROID)
    theirs = members.make()
    my_id = session_ids(mine)["Chrome on Android"]

    assert theirs.post(f"/account/sessions/{my_id}/sign-out").status_code == 404
    assert theirs.api("DELETE", f"/api/v1/account/sessions/{my_id}").status_code == 404
    assert theirs.post("/account/sessions/not-a-session/sign-out").status_code == 404
    assert theirs.api("DELETE", "/api/v1/account/sessions/not-a-session").status_code == 404
    assert my_id not in theirs.get("/account").get_data(as_text=True)
    assert is_signed_in(mine) and is_signed_in(theirs)
    # Anonymous: the login page, or 401 from the API.
    stranger = new_client()
    assert stranger.post(f"/account/sessions/{my_id}/sign-out").headers["Location"].startswith("/login")
    assert stranger.api("DELETE", f"/api/v1/account/sessions/{my_id}").status_code == 401
    assert is_signed_in(mine)


def test_changing_the_password_ends_every_other_session_and_renews_this_one(app, members, new_client):
    email = members.make().email
    phone = signed_in(new_client, email, CHROME_ANDROID)
    laptop = signed_in(new_client, email, FIREFOX_WINDOWS)
    old_phone_cookie = copy_of(app, phone, new_client)
    response = phone.post("/account/password", {"pw-current_password": PASSWORD,
                                                 "pw-new_password": "a brand new phrase"})
    assert response.status_code == 302
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert not is_signed_in(old_phone_cookie)  # this device got a new session: a copy of the old one is dead
    assert list(session_ids(phone)) == ["Chrome on Android"]


def test_deleting_the_account_removes_its_sessions(app, members, new_client):
    member = members.make()
    laptop = signed_in(new_client, member.email, FIREFOX_WINDOWS)
    other = members.make()
    assert member.post("/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert not is_signed_in(laptop)
    with app.app_context():
        owners = db.session.scalars(select(AuthSession.user_id)).all()
    assert owners == [other.user_id]


class Clock:
    """Moves journal.auth.sessions' clock (the one session limits and last-seen times use)."""

    def __init__(self, monkeypatch):
        import journal.auth.sessions as sessions

        self.offset = timedelta()
        clock = self

        class Shifted(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(sessions, "datetime", Shifted)


def last_seen(app, user_id):
    with app.app_context():
        return db.session.scalars(select(AuthSession.last_seen_at).where(AuthSession.user_id == user_id)).all()


def test_last_seen_is_written_at_most_about_once_a_minute(app, member, monkeypatch):
    clock = Clock(monkeypatch)
    [first] = last_seen(app, member.user_id)
    clock.offset = timedelta(seconds=40)
    assert member.get("/timeline").status_code == 200
    assert member.post("/account/timezone", {"tz-timezone": "Europe/Berlin"}).status_code == 302
    assert last_seen(app, member.user_id) == [first]
    clock.offset = timedelta(minutes=3)
    assert member.get("/timeline").status_code == 200
    [seen] = last_seen(app, member.user_id)
    assert timedelta(minutes=2, seconds=50) < seen - first < timedelta(minutes=3, seconds=10)
    clock.offset = timedelta(minutes=5)
    assert member.post("/account/timezone", {"tz-timezone": "Europe/Paris"}).status_code == 302  # a write request
    [seen] = last_seen(app, member.user_id)
    assert timedelta(minutes=4, seconds=50) < seen - first


@pytest.mark.parametrize("role, idle, absolute", [("member", timedelta(days=14), timedelta(days=30)),
                                                   ("clinician", timedelta(minutes=30), timedelta(hours=12))])
def test_idle_and_absolute_limits_end_the_session_on_the_server(app, members, monkeypatch, role, idle, absolute):
    clock = Clock(monkeypatch)
    person = members.make(role=role)
    page = "/account"
    # Active just inside the idle limit, again and again, until the absolute limit ends it.
    steps = 0
    while clock.offset + idle - timedelta(minutes=1) < absolute:
        clock.offset += idle - timedelta(minutes=1)
        assert person.get(page).status_code == 200, clock.offset
        steps += 1
    assert steps >= 2
    clock.offset = absolute + timedelta(minutes=1)
    assert person.get(page).status_code == 302
    assert last_seen(app, person.user_id) == []  # ended on the server, not only in this cookie

    # Idle: a fresh session left alone past the idle limit.
    assert person.login(person.email).status_code == 302
    clock.offset += idle + timedelta(minutes=1)
    assert person.api("GET", "/api/v1/account/sessions").status_code == 401
    assert last_seen(app, person.user_id) == []


def test_expired_sessions_are_not_listed_and_are_cleared_at_the_next_login(app, members, new_client, monkeypatch):
    clock = Clock(monkeypatch)
    email = members.make().email
    laptop = signed_in(new_client, email, FIREFOX_WINDOWS)
    phone = signed_in(new_client, email, CHROME_ANDROID)
    clock.offset = timedelta(days=10)
    assert is_signed_in(phone)  # the phone is used; the laptop and the first login are not
    clock.offset = timedelta(days=15)
    assert list(session_ids(phone)) == ["Chrome on Android"]
    assert "Firefox on Windows" not in phone.get("/account").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 3  # not deleted yet
    tablet = signed_in(new_client, email, SAFARI_IPAD)  # a sign-in clears the account's expired rows
    with app.app_context():
        assert set(db.session.scalars(select(AuthSession.browser))) == {"Chrome on Android", "Safari on iPad"}
    assert not is_signed_in(laptop) and is_signed_in(tablet)


@pytest.mark.parametrize("seen, zone, words", [
    ("2026-03-10T11:59:00", "UTC", "just now"),
    ("2026-03-10T09:05:00", "UTC", "today, 09:05"),
    ("2026-03-09T21:40:00", "UTC", "yesterday, 21:40"),
    ("2026-03-09T21:40:00", "Asia/Tokyo", "today, 06:40"),  # the member's zone decides the day
    ("2026-03-10T01:30:00", "America/New_York", "yesterday, 21:30"),
    ("2026-03-07T12:00:00", "UTC", "3 days ago"),
])
def test_last_seen_reads_in_the_members_own_zone(seen, zone, words):
    from journal.auth.devices import seen_words

    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert seen_words(datetime.fromisoformat(seen).replace(tzinfo=UTC), zone, now) == words


def test_purge_sessions_removes_only_sessions_past_their_limits(app, members, new_client):
    member = members.make()
    laptop = signed_in(new_client, member.email, FIREFOX_WINDOWS)
    clinician = members.make(role="clinician")
    ids = session_ids(laptop)
    ages = {ids["Firefox on Windows"]: timedelta(days=15),  # a member's idle limit is 14 days
            ids["Browser"]: timedelta(days=13),  # still fine
            session_ids(clinician)["Browser"]: timedelta(minutes=31)}  # staff: 30 minutes
    with app.app_context():
        now = datetime.now(UTC)
        for session_id, age in ages.items():
            row = db.session.get(AuthSession, uuid.UUID(session_id))
            row.last_seen_at = now - age
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "purge-sessions"])
    assert result.exit_code == 0 and "Removed 2 expired sessions." in result.output
    assert is_signed_in(member) and not is_signed_in(laptop) and not is_signed_in(clinician)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1
