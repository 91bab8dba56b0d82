"""Accounts: registration rules, login, logout, passwords, no enumeration, CSRF, rate limits, deletion."""
import re

import pytest
from sqlalchemy import func, select

from journal.accounts import DataKeyRecord, User
from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import PASSWORD, make_checkin, racing_backend, when_first_selected
from tests.mailbox import received


def user_by_email(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_registering_signs_in_and_lands_on_the_first_check_in(app, client):
    response = client.register("Sam@Example.org", display_name="Sam")
    assert response.status_code == 302 and response.headers["Location"] == "/checkin"
    user = user_by_email(app, "sam@example.org")
    assert user.display_name == "Sam" and user.role == "member" and user.email_verified_at is None
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    page = client.get("/checkin").get_data(as_text=True)
    assert "How are you right now?" in page
    assert "We sent a message to sam@example.org" in page
    assert "Please confirm your email address" in page  # the banner, until the link is followed
    [message] = received(app, "sam@example.org")
    assert message["Subject"] == "Confirm your email address for Peer Journal"
    assert client.get("/").headers["Location"] == "/checkin"


def test_registering_needs_the_privacy_box_ticked_and_records_the_version(app, client):
    from journal.accounts import PRIVACY_VERSION

    form = client.get("/register").get_data(as_text=True)
    assert 'href="/privacy"' in form
    assert '<input id="privacy" name="privacy" required type="checkbox" value="y">' in form  # never pre-ticked
    assert "aria-invalid" not in form
    response = client.register("consent@example.org", privacy=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Please read the privacy page, then tick this box." in page
    assert 'aria-describedby="privacy-err"' in page and 'id="privacy-err"' in page
    assert user_by_email(app, "consent@example.org") is None and received(app, "consent@example.org") == []

    assert client.register("consent@example.org").status_code == 302
    user = user_by_email(app, "consent@example.org")
    assert user.privacy_version == PRIVACY_VERSION and user.privacy_accepted_at is not None


def test_register_as_clinician(app, client):
    client.register("dr@example.org", display_name="Dr Rivera", role="clinician")
    assert user_by_email(app, "dr@example.org").role == "clinician"


@pytest.mark.parametrize("password, message", [
    ("short pw", "at least 10 characters"),
    ("x" * 129, "at most 128"),
    ("1234567890", "most common"),
    ("correct horse battery", None),  # long enough and not a common one: accepted
])
def test_password_rules(app, client, password, message):
    response = client.register("pw@example.org", password=password)
    if message is None:
        assert response.status_code == 302
        assert user_by_email(app, "pw@example.org") is not None
    else:
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        assert user_by_email(app, "pw@example.org") is None


def test_common_password_check_ignores_case(client):
    response = client.register("pw@example.org", password="QWERTYUIOP")
    assert response.status_code == 400 and "most common" in response.get_data(as_text=True)


def test_no_composition_rules_and_128_characters_allowed(app, client):
    assert client.register("long@example.org", password="a" * 9 + "b" * 119).status_code == 302
    assert user_by_email(app, "long@example.org") is not None


def test_display_name_cannot_be_an_email(client):
    response = client.register("x@example.org", display_name="me@example.org")
    assert response.status_code == 400


def test_registering_a_taken_email_answers_exactly_like_success(app, client, new_client):
    """New accounts are signed in at once; a taken address cannot be. The answer to the form is the same
    byte for byte (status, where it leads, body, the message it flashes), and the address's owner gets a mail
    saying someone tried. What differs is only whether the next page finds a session (see SECURITY.md)."""
    first = client.register("taken@example.org", display_name="First")
    other = new_client()
    second = other.register("taken@example.org", password="another calm phrase", display_name="Second")
    assert (first.status_code, first.headers["Location"], first.get_data()) == \
        (second.status_code, second.headers["Location"], second.get_data())
    with client.http.session_transaction() as one, other.http.session_transaction() as two:
        assert one["_flashes"] == two["_flashes"] == [("info", "Welcome to Peer Journal. We sent a message to "
                                                               "taken@example.org: please open it.")]
    subjects = [m["Subject"] for m in received(app, "taken@example.org")]
    assert subjects == ["Confirm your email address for Peer Journal",
                        "Someone tried to create a Peer Journal account with your address"]
    assert "which already has one" in received(app, "taken@example.org")[1].get_content()
    assert user_by_email(app, "taken@example.org").display_name == "First"
    # The original password still works; the second one does not take over the account.
    assert other.login("taken@example.org", "another calm phrase").status_code == 400
    assert other.login("taken@example.org").status_code == 302


def test_registering_one_address_is_rate_limited(app, new_client):
    """Each try at a taken address mails its owner: at most a few an hour, whoever tries."""
    app.config["RATELIMIT_REGISTER_ADDRESS"] = "2 per hour"
    statuses = [new_client().register("busy@example.org").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(received(app, "busy@example.org")) == 2


def test_unknown_email_and_wrong_password_get_the_same_answer(client, members):
    known = members.make()
    wrong_password = client.login(known.email, "not the password at all")
    unknown_email = client.login("nobody@example.org", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 400

    def message(response):
        return re.findall(r'<p class="error"[^>]*>([^<]+)</p>', response.get_data(as_text=True))

    assert message(wrong_password) == message(unknown_email) == ["That email and password do not match an account."]


def test_unknown_email_still_costs_a_password_hash(app, client, monkeypatch):
    import journal.auth.services as services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    client.login("nobody@example.org", "whatever it is")
    assert len(calls) == 1 and calls[0].startswith("scrypt:")


def test_forms_without_a_csrf_token_are_refused(client, members):
    member = members.make()
    assert client.post("/register", {"email": "a@example.org", "password": PASSWORD, "display_name": "A",
                                      "role": "member"}, csrf=False).status_code == 400
    assert member.post("/checkin", {"mood": "3"}, csrf=False).status_code == 400
    assert member.api("POST", "/api/v1/checkins", json={"mood": 3}, csrf=False).status_code == 400
    assert member.api("GET", "/api/v1/checkins").get_json()["items"] == []


def test_logout_ends_the_session(member):
    assert member.get("/timeline").status_code == 200
    assert member.logout().status_code == 302
    assert member.get("/timeline").status_code == 302
    assert member.api("GET", "/api/v1/checkins").status_code == 401


def test_session_cookie_flags(client, members, new_client):
    member = members.make()
    response = new_client().login(member.email)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost
    assert "remember_token" not in "".join(response.headers.getlist("Set-Cookie"))


def test_session_cookie_is_secure_outside_localhost(app, members):
    member = members.make()
    site = "https://journal.example.org"
    page = member.http.get("/help", base_url=site).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = member.http.post("/login", base_url=site, headers={"Referer": f"{site}/login"},
                                data={"email": member.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "; Secure" in response.headers.get("Set-Cookie", "")


def test_changing_the_password_signs_out_other_devices(members, new_client):
    phone = members.make()
    laptop = new_client()
    assert laptop.login(phone.email).status_code == 302
    response = phone.post("/account/password", {"pw-current_password": PASSWORD,
                                                 "pw-new_password": "a brand new phrase"})
    assert response.status_code == 302
    assert phone.get("/timeline").status_code == 200  # this device stays signed in
    assert laptop.get("/timeline").status_code == 302  # the other one is out
    assert laptop.login(phone.email, "a brand new phrase").status_code == 302


def test_change_password_needs_the_current_one(member):
    response = member.post("/account/password", {"pw-current_password": "wrong wrong wrong",
                                                  "pw-new_password": "a brand new phrase"})
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)


def test_sign_out_everywhere(members, new_client):
    phone = members.make()
    laptop = new_client()
    laptop.login(phone.email)
    phone.post("/account/sign-out-everywhere")
    assert laptop.get("/timeline").status_code == 302
    assert phone.get("/timeline").status_code == 200


def test_idle_sessions_expire(app, members, monkeypatch):
    from datetime import UTC, datetime, timedelta

    import journal.auth.sessions as sessions

    member = members.make()
    later = datetime.now(UTC) + timedelta(days=15)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(sessions, "datetime", Later)
    assert member.get("/timeline").status_code == 302


def test_staff_sessions_expire_sooner(app, members, monkeypatch):
    from datetime import UTC, datetime, timedelta

    import journal.auth.sessions as sessions

    clinician = members.make(role="clinician")
    member = members.make()
    later = datetime.now(UTC) + timedelta(minutes=45)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(sessions, "datetime", Later)
    assert clinician.get("/account").status_code == 302
    assert member.get("/account").status_code == 200


def test_login_is_rate_limited_per_account(app, new_client, members):
    member = members.make()
    attackers = [new_client() for _ in range(3)]
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per minute"
    statuses = [attackers[i % 3].login(member.email, f"guess number {i}!").status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Other accounts are unaffected.
    assert attackers[0].login("someone-else@example.org", "guess guess guess").status_code == 400


def test_login_is_rate_limited_per_ip(app, client):
    app.config["RATELIMIT_LOGIN_IP"] = "3 per minute"
    statuses = [client.login(f"user{i}@example.org", "guess guess guess").status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Let’s take a breath" in client.login("x@example.org", "guess guess guess").get_data(as_text=True)


def test_delete_account_needs_password_and_erases_everything(app, members):
    member = members.make()
    make_checkin(member, note="to be erased")
    response = member.post("/account/delete", {"password": "wrong password!", "confirm": "y"})
    assert response.status_code == 400
    response = member.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(DataKeyRecord)) == 0
        assert db.session.scalar(select(func.count()).select_from(Checkin)) == 0
    assert member.login(member.email).status_code == 400


def test_delete_account_shreds_the_data_key_before_the_rows(app, members, monkeypatch):
    """If row deletion failed after the key went, what remains must be unreadable: the key goes first."""
    import journal.auth.services as services

    member = members.make()
    make_checkin(member)
    order = []
    real_execute = services.db.session.execute

    def spy(statement, *args, **kwargs):
        table = getattr(getattr(statement, "table", None), "name", None)
        if table in ("data_keys", "users"):
            order.append(table)
        return real_execute(statement, *args, **kwargs)

    monkeypatch.setattr(services.db.session, "execute", spy)
    member.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert order == ["data_keys", "users"]


def test_timezone_setting(app, member):
    response = member.post("/account/timezone", {"tz-timezone": "Europe/Berlin"})
    assert response.status_code == 302
    assert user_by_email(app, member.email).timezone == "Europe/Berlin"
    assert member.post("/account/timezone", {"tz-timezone": "Mars/Olympus"}).status_code == 400


@racing_backend
def test_two_sign_ups_with_one_email_at_once_make_one_account_and_say_the_same(app, new_client):
    def other_request(_parameters):
        with app.app_context():  # its own session and connection, committed inside this request's window
            from journal.auth import services

            services.register(email="twice@example.org", password=PASSWORD, display_name="First",
                              role="member", timezone="UTC")
            db.session.commit()

    with when_first_selected(app, "users", other_request) as fired:
        response = new_client().register("twice@example.org", display_name="Second")
    assert fired
    assert response.status_code == 302 and response.headers["Location"] == "/checkin"  # as for a free email
    with app.app_context():
        names = db.session.scalars(select(User.display_name).where(User.email == "twice@example.org")).all()
        assert names == ["First"]
