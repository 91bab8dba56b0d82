"""Times shown to people are on their own clock (their saved zone), with the time of day where rows could
look alike: notifications, replies, an invitation's expiry, "Who has seen my journal". The instants are
set in the database (the clock is not read), so the test says the same at any hour, date or zone."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from journal.audit import AccessLogEntry
from journal.clinicians.models import ClinicianGrant
from journal.extensions import db
from journal.peers.models import PeerComment, PeerNotification
from tests.clinicians.conftest import invite, make_clinician, redeem
from tests.conftest import make_checkin
from tests.peers.conftest import accept_guidelines, connect, opt_in

# 09:05 UTC on 10 March 2026 is 22:05 the same day in Auckland (NZDT, UTC+13) and 03:05 in Denver (MDT since 8 March).
INSTANT = datetime(2026, 3, 10, 9, 5, tzinfo=UTC)
LATER = INSTANT.replace(year=2099)  # an expiry still to come, whenever the test runs


def _set(app, model, **columns):
    with app.app_context():
        db.session.execute(update(model).values(**columns))
        db.session.commit()


def test_replies_and_notifications_show_on_each_readers_clock(app, members):
    author = members.make(display_name="Ann", timezone="Pacific/Auckland")
    reader = members.make(display_name="Bea", timezone="America/Denver")
    opt_in(author), opt_in(reader)
    connect(author, reader)
    accept_guidelines(reader)
    entry_id = make_checkin(author, note="rough day", audience={"peers": True})["id"]
    reply = reader.api("POST", f"/api/v1/peers/entries/{entry_id}/comments", json={"body": "Thinking of you"})
    assert reply.status_code == 201
    _set(app, PeerComment, created_at=INSTANT)
    _set(app, PeerNotification, created_at=INSTANT)

    author_view = author.get(f"/peers/entries/{entry_id}").get_data(as_text=True)
    assert "10 Mar 22:05" in author_view and "UTC" not in author_view
    assert "10 Mar 03:05" in reader.get(f"/peers/entries/{entry_id}").get_data(as_text=True)
    notifications = author.get("/peers/notifications").get_data(as_text=True)
    assert ">10 Mar 22:05</time>" in notifications and " UTC<" not in notifications


def test_invitation_expiry_and_access_log_on_the_members_clock(app, members):
    member = members.make(display_name="Sunflower", timezone="Pacific/Auckland")
    make_checkin(member, audience={"clinicians": True})
    invite(member)
    _set(app, ClinicianGrant, code_expires_at=LATER)
    sharing = member.get("/sharing/clinicians/").get_data(as_text=True)
    assert "code valid until 10 Mar 22:05" in sharing and "UTC" not in sharing

    clinician = make_clinician(members)
    grant_id = redeem(clinician, invite(member))
    assert clinician.get(f"/clinician/patients/{grant_id}").status_code == 200
    _set(app, AccessLogEntry, created_at=INSTANT)
    log = member.get("/sharing/clinicians/access-log").get_data(as_text=True)
    assert "on 10 March 2026 at 22:05" in log
