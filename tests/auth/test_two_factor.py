"""Two-step sign-in (TOTP and recovery codes), through the real pages: setting it up, signing in with it,
single-use codes, the secret encrypted at rest, and staff refused every route with members' data until set up."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from journal.accounts import User
from journal.auth.models import AuthSession, RecoveryCode
from journal.extensions import db
from tests.clinicians.conftest import connect, make_clinician
from tests.conftest import PASSWORD, make_checkin

SETUP = "/account/two-factor"


def sessions_of(app, client) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuthSession)
                                 .where(AuthSession.user_id == client.user_id))


def user_row(app, client) -> User:
    with app.app_context():
        user = db.session.get(User, client.user_id)
        _ = user.totp_secret_ct, user.totp_last_step  # deferred columns, loaded while the session is open
        return user


def test_setting_it_up_shows_a_qr_code_the_key_and_ten_recovery_codes_once(app, member, new_client):
    laptop = new_client()
    assert laptop.login(member.email).status_code == 302
    page = member.get("/account").get_data(as_text=True)
    assert "Two-step sign-in" in page and f'href="{SETUP}"' in page
    assert member.post(f"{SETUP}/start").status_code == 302
    page = member.get(SETUP).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and 'alt="QR code for your authenticator app"' in page
    assert re.search(r'id="totp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', page)  # 160 bits, typed in fours
    assert "otpauth://totp/Peer%20Journal:" in page and "issuer=Peer%20Journal" in page
    assert "aria-invalid" not in page

    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = member.post(f"{SETUP}/confirm", {"code": "000000" if secret else ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "does not match" in page
    assert 'aria-describedby="code-hint code-err"' in page and 'aria-invalid="true"' in page

    response = member.set_up_two_factor()  # starts again with a new key, and confirms it
    page = response.get_data(as_text=True)
    assert "shown only this once" in page and len(set(member.recovery_codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code) for code in member.recovery_codes)
    assert member.get(SETUP).get_data(as_text=True).count("<code>") == 0  # never shown again
    # Turning it on ended the sessions that began without it; this one stays.
    assert laptop.get("/timeline").status_code == 302
    assert member.get("/timeline").status_code == 200


def test_signing_in_takes_the_password_then_a_code_and_only_then_makes_a_session(app, members, new_client):
    member = members.make(two_factor=True)
    phone = new_client()
    phone.totp, phone.totp_step = member.totp, member.totp_step
    before = sessions_of(app, member)
    response = phone.login(member.email)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert sessions_of(app, member) == before  # nothing signed in yet
    assert phone.get("/timeline").status_code == 302
    assert phone.api("GET", "/api/v1/checkins").status_code == 401
    page = phone.get("/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and "aria-invalid" not in page

    response = phone.post("/login/code", {"code": phone.next_code()})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert sessions_of(app, member) == before + 1
    assert phone.get("/timeline").status_code == 200


def test_a_code_works_once(app, members, new_client):
    member = members.make(two_factor=True)
    code = member.next_code()
    first, second = new_client(), new_client()
    first.login(member.email)
    assert first.post("/login/code", {"code": code}).status_code == 302
    second.login(member.email)
    response = second.post("/login/code", {"code": code})
    assert response.status_code == 400 and "does not match" in response.get_data(as_text=True)
    assert second.get("/timeline").status_code == 302


def test_a_recovery_code_works_once_and_says_how_many_are_left(app, members, new_client):
    member = members.make(two_factor=True)
    code = member.recovery_codes[3]
    browser = new_client()
    response = browser.login_with_code(member.email, code=code.upper().replace("-", " "))
    assert response.status_code == 302
    assert "9 left" in browser.get("/checkin").get_data(as_text=True)
    other = new_client()
    other.login(member.email)
    assert other.post("/login/code", {"code": code}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)
                                 .where(RecoveryCode.used_at.is_not(None))) == 1


def test_wrong_codes_send_back_to_the_password_after_five(members, new_client):
    member = members.make(two_factor=True)
    browser = new_client()
    browser.login(member.email)
    statuses = [browser.post("/login/code", {"code": f"{n:06d}"}).status_code for n in range(5)]
    assert statuses == [400, 400, 400, 400, 302]
    response = browser.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_code_step_lasts_five_minutes(members, new_client, monkeypatch):
    import journal.auth.twofactor_views as views

    member = members.make(two_factor=True)
    browser = new_client()
    browser.login(member.email)
    real = views.time.time
    monkeypatch.setattr(views.time, "time", lambda: real() + 301)
    response = browser.post("/login/code", {"code": member.next_code()})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_code_step_is_rate_limited_per_account(app, members, new_client):
    member = members.make(two_factor=True)
    app.config["RATELIMIT_TWO_FACTOR_ACCOUNT"] = "3 per minute"
    statuses = []
    for _ in range(2):
        browser = new_client()
        browser.login(member.email)
        statuses += [browser.post("/login/code", {"code": "123456"}).status_code for _ in range(2)]
    assert statuses == [400, 400, 400, 429]


def test_the_secret_is_encrypted_under_the_members_data_key(app, members):
    member = members.make(two_factor=True)
    secret = member.totp.secret
    user = user_row(app, member)
    assert user.totp_secret_ct and secret.encode() not in user.totp_secret_ct
    with app.app_context():
        from journal.keys import key_for

        key = key_for(db.session.get(User, member.user_id))
        assert key.decrypt_text(user.totp_secret_ct, table="users.totp_secret", row_id=member.user_id) == secret
        codes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        path = Path(uri.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert secret.encode() not in raw
        assert not any(code.replace("-", "").encode() in raw for code in member.recovery_codes)
    assert len(codes) == 10


def test_members_turn_it_off_with_their_password(app, members, new_client):
    member = members.make(two_factor=True)
    response = member.post(f"{SETUP}/disable", {"off-password": "not my password"})
    assert response.status_code == 400 and "not right" in response.get_data(as_text=True)
    assert member.post(f"{SETUP}/disable", {"off-password": PASSWORD}).status_code == 302
    assert user_row(app, member).totp_enabled_at is None
    assert new_client().login(member.email).headers["Location"] == "/"  # the password alone again


def test_new_recovery_codes_replace_the_old_ones(members, new_client):
    member = members.make(two_factor=True)
    old = member.recovery_codes[0]
    response = member.post(f"{SETUP}/recovery-codes", {"renew-password": PASSWORD})
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert response.status_code == 200 and len(new) == 10 and old not in new
    browser = new_client()
    browser.login(member.email)
    assert browser.post("/login/code", {"code": old}).status_code == 400
    assert browser.post("/login/code", {"code": new[0]}).status_code == 302


# --- Staff: required before any member's data ----------------------------------------------------------


def test_staff_cannot_turn_it_off(app, members):
    clinician = members.make(role="clinician")
    page = clinician.get(SETUP).get_data(as_text=True)
    assert "keep two-step sign-in on" in page and "Turn off two-step sign-in" not in page
    response = clinician.post(f"{SETUP}/disable", {"off-password": PASSWORD})
    assert response.status_code == 400 and user_row(app, clinician).totp_enabled_at is not None


def _staff_routes(app, grant_id, entry_id, report_id):
    """Every route only clinicians or moderators may use, GET and API, with real ids filled in."""
    values = {"grant_id": grant_id, "entry_id": entry_id, "report_id": report_id}
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("clinicians.", "clinicians_api.list_patients",
                                         "clinicians_api.patient_checkins", "peers.moderation")):
            continue
        if "GET" in rule.methods:
            routes.append(rule.rule.replace("<", "{").replace(">", "}").format(**values))
    return routes


def test_staff_without_it_are_refused_every_route_with_members_data(app, members, new_client):
    patient = members.make()
    entry = make_checkin(patient, audience={"clinicians": True})["id"]
    clinician = make_clinician(members)
    grant_id = connect(patient, clinician)
    moderator = members.make(role="moderator")
    routes = _staff_routes(app, grant_id, entry, "00000000-0000-0000-0000-000000000000")
    assert len(routes) >= 14

    # The operator resets both (a lost phone): every session ends; signing in again leads to the set-up.
    for staff in (clinician, moderator):
        result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", staff.email])
        assert result.exit_code == 0, result.output
        assert staff.get("/account").status_code == 302  # signed out
        response = staff.login(staff.email)
        assert response.status_code == 302 and response.headers["Location"] == SETUP
        assert "Clinicians and moderators sign in with two steps" in staff.get(SETUP).get_data(as_text=True)

    for url in routes:
        staff = moderator if url.startswith("/peers/moderation") else clinician
        response = staff.get(url) if not url.startswith("/api/") else staff.api("GET", url)
        if url.startswith("/api/"):
            assert response.status_code == 403, url
            assert response.get_json()["error"]["code"] == "second_factor_required", url
        else:
            assert (response.status_code, response.headers.get("Location")) == (302, SETUP), url
    assert clinician.post("/clinician/redeem", {"code": "x" * 30}).headers["Location"] == SETUP

    # Once set up, the pages open again, and the browser goes back where it was going.
    assert clinician.get(f"/clinician/patients/{grant_id}/summary").headers["Location"] == SETUP
    response = clinician.set_up_two_factor()
    assert f'href="/clinician/patients/{grant_id}/summary"' in response.get_data(as_text=True)
    assert clinician.get(f"/clinician/patients/{grant_id}").status_code == 200
    assert clinician.api("GET", "/api/v1/clinician/patients").status_code == 200
    moderator.set_up_two_factor()
    assert moderator.get("/peers/moderation").status_code == 200


def test_a_moderators_own_journal_does_not_wait_for_it(members):
    moderator = members.make(role="moderator", two_factor=False)
    assert moderator.get("/timeline").status_code == 200
    assert moderator.get("/peers/moderation").headers["Location"] == SETUP


@pytest.mark.parametrize("role", ["clinician", "moderator"])
def test_staff_log_in_with_both_steps(members, new_client, role):
    staff = members.make(role=role)
    browser = new_client()
    browser.totp, browser.totp_step = staff.totp, staff.totp_step
    response = browser.login_with_code(staff.email)
    assert response.status_code == 302
    home = "/clinician/profile" if role == "clinician" else "/peers/moderation"
    assert browser.get(home).status_code == 200


def test_deleting_the_account_deletes_its_recovery_codes_and_mailed_links(app, members):
    from journal.auth.models import AccountToken

    member = members.make(two_factor=True)
    member.post("/password/forgot", {"email": member.email})
    response = member.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
        assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0
