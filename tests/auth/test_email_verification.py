"""Email confirmation: the link mailed at registration, one tap to confirm, and until then no connecting with
peers, no replies, no clinician invitations, refused the same way by pages and API, with a way to a new link."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.accounts import User
from journal.extensions import db
from journal.peers.models import PeerComment, PeerConnection
from tests.clinicians.conftest import invite, make_clinician
from tests.mailbox import link_in, received
from tests.peers.conftest import accept_guidelines, opt_in, share

RESEND = "/api/v1/account/email-verification"


def confirmation_links(app, email) -> list[str]:
    return [link_in(m, "/account/verify") for m in received(app, email) if "/account/verify" in m.get_content()]


def verified_at(app, client):
    with app.app_context():
        return db.session.get(User, client.user_id).email_verified_at


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def newcomer(members):
    """A member who registered (and is signed in) but has not opened the confirmation link."""
    return members.make(display_name="New Comer", verified=False)


def test_until_confirmed_a_member_cannot_connect_and_is_told_how_to_confirm(app, members, newcomer):
    other = members.make(display_name="Open Door")
    opt_in(newcomer)
    opt_in(other)
    # The page: a 403 that says why, with the button for a new link.
    response = newcomer.post(f"/peers/members/{other.member_id}/connect")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "Confirm your email address first" in page
    assert 'action="/account/verify/resend"' in page and 'name="next" value="/peers/members/' in page
    # The API: the same refusal as JSON, naming the endpoint for a new link.
    response = newcomer.api("POST", "/api/v1/peers/connections", json={"member_id": other.member_id})
    error = response.get_json()["error"]
    assert response.status_code == 403 and error["code"] == "email_unverified" and RESEND in error["message"]
    assert count(app, PeerConnection) == 0

    # Once confirmed, the same request goes through.
    newcomer.confirm_email()
    assert newcomer.api("POST", "/api/v1/peers/connections", json={"member_id": other.member_id}).status_code == 201


def test_until_confirmed_a_member_cannot_accept_a_request(app, members, newcomer):
    asker = members.make()
    opt_in(newcomer)
    opt_in(asker)
    assert asker.api("POST", "/api/v1/peers/connections", json={"member_id": newcomer.member_id}).status_code == 201
    response = newcomer.api("POST", f"/api/v1/peers/connections/{asker.member_id}/accept")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "email_unverified"
    assert newcomer.post(f"/peers/members/{asker.member_id}/accept").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(PeerConnection.status)) == "pending"


def test_until_confirmed_a_member_cannot_reply(app, members):
    """Connecting already needs a confirmed address, so this peer's confirmation is cleared by hand after
    connecting: the reply is refused on its own account, not because of the connection."""
    author, peer = members.make(), members.make()
    opt_in(author)
    opt_in(peer)
    from tests.peers.conftest import connect

    connect(author, peer)
    accept_guidelines(peer)
    entry = share(author, note="a shared day")
    with app.app_context():
        db.session.get(User, peer.user_id).email_verified_at = None
        db.session.commit()
    response = peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "Thinking of you"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "email_unverified"
    response = peer.post(f"/peers/entries/{entry}/comments", {"body": "Thinking of you"})
    assert response.status_code == 403 and "Send me a new link" in response.get_data(as_text=True)
    assert count(app, PeerComment) == 0
    # Something they may not see stays a 404 whatever their address.
    assert peer.api("POST", "/api/v1/peers/entries/00000000-0000-0000-0000-000000000000/comments",
                    json={"body": "x"}).status_code == 404


def test_until_confirmed_a_clinician_cannot_redeem_and_the_code_still_works_after(app, members):
    """Staff set up two-step sign-in only with a confirmed address, so this clinician's confirmation is
    cleared by hand afterwards: redeeming is refused on its own account."""
    patient = members.make()
    code = invite(patient)
    clinician = make_clinician(members)
    with app.app_context():
        db.session.get(User, clinician.user_id).email_verified_at = None
        db.session.commit()
    response = clinician.post("/clinician/redeem", {"code": code})
    assert response.status_code == 403 and "Confirm your email address first" in response.get_data(as_text=True)
    clinician.post("/account/verify/resend")
    clinician.confirm_email()
    response = clinician.post("/clinician/redeem", {"code": code})
    assert response.status_code == 302 and "/clinician/patients/" in response.headers["Location"]


def test_an_unconfirmed_clinician_is_asked_to_confirm_before_setting_up_two_steps(app, members):
    clinician = members.make(role="clinician", verified=False)
    response = clinician.get("/clinician/redeem")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    page = clinician.get("/account/two-factor").get_data(as_text=True)
    assert "First confirm your email address" in page and "Set up two-step sign-in</button>" not in page
    response = clinician.post("/account/two-factor/start")
    assert response.status_code == 403 and "before you set up two-step sign-in" in response.get_data(as_text=True)


def test_the_banner_asks_until_confirmed_and_sends_a_new_link(app, newcomer):
    page = newcomer.get("/timeline").get_data(as_text=True)
    assert "Please confirm your email address" in page and "Send the link again" in page
    response = newcomer.post("/account/verify/resend", {"next": "/timeline"})
    assert response.status_code == 302 and response.headers["Location"] == "/timeline"
    assert len(confirmation_links(app, newcomer.email)) == 2
    newcomer.confirm_email()  # the newest link
    assert "Please confirm your email address" not in newcomer.get("/timeline").get_data(as_text=True)
    # Confirming spent every link, the first one included.
    page = newcomer.open_link(confirmation_links(app, newcomer.email)[0])
    assert page.status_code == 400 and "expired or has already been used" in page.get_data(as_text=True)


def test_a_new_link_through_the_api(app, newcomer, member):
    assert newcomer.api("POST", RESEND).status_code == 202
    assert len(confirmation_links(app, newcomer.email)) == 2
    response = member.api("POST", RESEND)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_verified"


def test_new_links_are_rate_limited_per_account(app, newcomer):
    app.config["RATELIMIT_VERIFY_RESEND"] = "2 per hour"
    statuses = [newcomer.api("POST", RESEND).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_opening_the_link_confirms_nothing_until_the_tap(app, newcomer, new_client):
    """A mail scanner that fetches the link must not use it up."""
    scanner = new_client()
    page = scanner.open_link(confirmation_links(app, newcomer.email)[0])
    assert page.status_code == 200 and "Confirm my email address" in page.get_data(as_text=True)
    assert verified_at(app, newcomer) is None


def test_the_link_works_in_another_browser_and_then_asks_to_log_in(app, newcomer, new_client):
    phone = new_client()
    phone.open_link(confirmation_links(app, newcomer.email)[0])
    response = phone.post("/account/verify")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert verified_at(app, newcomer) is not None
    assert phone.get("/timeline").status_code == 302  # confirming never signs anyone in


def test_a_link_older_than_48_hours_no_longer_works(app, newcomer, monkeypatch):
    import journal.auth.verification_views as views

    later = views.clock() + timedelta(hours=48, minutes=1)
    monkeypatch.setattr(views, "clock", lambda: later)
    page = newcomer.open_link(confirmation_links(app, newcomer.email)[0])
    assert page.status_code == 400 and "48 hours" in page.get_data(as_text=True)
    assert newcomer.post("/account/verify").status_code == 400
    assert verified_at(app, newcomer) is None


def test_a_reset_link_is_not_a_confirmation_link_but_a_reset_confirms(app, newcomer, new_client):
    browser = new_client()
    browser.post("/password/forgot", {"email": newcomer.email})
    [reset] = [link_in(m, "/password/reset") for m in received(app, newcomer.email) if "Reset" in m["Subject"]]
    token = reset.split("token=", 1)[1]
    page = browser.open_link(f"http://localhost/account/verify?token={token}")
    assert page.status_code == 400 and verified_at(app, newcomer) is None
    browser.open_link(reset)
    assert browser.post("/password/reset", {"new_password": "a fresh path through the woods"}).status_code == 302
    assert verified_at(app, newcomer) is not None


def test_no_health_data_in_the_mail(app, newcomer):
    from tests.conftest import make_checkin

    make_checkin(newcomer, note="private canary words")
    newcomer.post("/account/verify/resend")
    assert all("canary" not in m.get_content() for m in received(app, newcomer.email))
