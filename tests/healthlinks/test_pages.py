"""The member's pages: the form refuses what cannot make a link (with messages, nothing saved, nothing
pre-chosen), the link and its QR code are shown once and never cached, and what the database keeps cannot
be read without the link: no bundle, no key, no manifest address, no label in plaintext."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from journal.extensions import db, utcnow
from journal.healthlinks.models import HealthLink
from tests.conftest import make_checkin
from tests.healthlinks.conftest import make_link, today_of
from tests.healthlinks.receiver import b64url_decode, payload_of


def _form(app, **fields):
    today = today_of(app)
    return {"first_day": (today - timedelta(days=6)).isoformat(), "last_day": today.isoformat(),
            "measures": ["mood"], "expiry_days": "7", "passcode": "", "label": "", "name": "Sam", **fields}


def test_the_form_offers_seven_days_and_chooses_no_measure_for_the_member(member):
    page = member.get("/sharing/links/").get_data(as_text=True)
    assert 'name="expiry_days" value="7" checked' in page
    assert 'name="measures" value="mood" checked' not in page and 'type="checkbox"' in page
    assert "None yet." in page


@pytest.mark.parametrize(("fields", "field_message"), [
    ({"measures": []}, "Choose at least one thing to share."),
    ({"measures": ["mood", "notes"]}, "Choose at least one thing to share."),
    ({"passcode": "12345"}, "Use 6 to 128 characters, or leave it empty."),
    ({"label": "x" * 81}, "Keep this to 80 characters or fewer."),
    ({"name": "  "}, "Please fill this in."),
    ({"expiry_days": "365"}, "Choose one of the options offered."),
    ({"first_day": "2026-02-30"}, "Enter a date, like 2026-03-08."),
    ({"name": "Sam\x00"}, None),
])
def test_the_form_says_what_needs_another_look_and_saves_nothing(app, member, fields, field_message):
    response = member.post("/sharing/links/", _form(app, **fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    if field_message:
        assert field_message in page
    assert 'aria-invalid="true"' in page or "Choose at least one" in page or "Choose one of" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(HealthLink)) == 0


def test_days_are_checked_against_today_and_each_other(app, member):
    today = today_of(app)
    future = member.post("/sharing/links/", _form(app, last_day=(today + timedelta(days=1)).isoformat()))
    assert future.status_code == 422 and "Choose a day up to today." in future.get_data(as_text=True)
    swapped = member.post("/sharing/links/", _form(app, first_day=today.isoformat(),
                                                   last_day=(today - timedelta(days=3)).isoformat()))
    assert swapped.status_code == 422 and "swap them" in swapped.get_data(as_text=True)
    long = member.post("/sharing/links/", _form(app, first_day=(today - timedelta(days=400)).isoformat()))
    assert long.status_code == 422 and "at most 366 days" in long.get_data(as_text=True)


def test_a_stale_form_is_refused(member):
    assert member.post("/sharing/links/", {"measures": "mood"}, csrf=False).status_code == 400


def test_the_link_is_shown_once_with_a_qr_code_and_never_cached(app, member):
    response = member.post("/sharing/links/", _form(app, label="For Dr Lee"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "shown only once" in page and "<svg" in page and 'class="qr-code"' in page
    assert "<script" not in page.split("<main", 1)[-1]
    listing = member.get("/sharing/links/").get_data(as_text=True)
    assert "For Dr Lee" in listing and "shlink:/" not in listing and "<svg" not in listing


def test_what_the_database_keeps_cannot_be_read_without_the_link(app, member):
    make_checkin(member, mood=2, pain=3, note="a private note")
    link = make_link(member, app, measures=("mood", "pain"), label="For the pain clinic", name="Sam Q. Example",
                     passcode="heron-heron")
    payload = payload_of(link)
    key_b64, manifest_id = payload["key"], payload["url"].rsplit("/", 1)[-1]
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM health_links")).mappings().one()
        dump = " ".join(repr(value) for value in row.values())
        for secret in (key_b64, manifest_id, "heron-heron", "For the pain clinic", "Sam Q. Example", "Observation",
                       "Bundle", "mood", "pain"):
            assert secret not in dump, secret
        assert bytes(b64url_decode(key_b64)) not in b"".join(v for v in row.values() if isinstance(v, bytes))
        assert row["jwe"].count(".") == 4 and row["passcode_hash"].startswith("scrypt:")
        log = db.session.execute(text("SELECT * FROM access_log")).all()
        assert log == []  # made, not yet opened
    assert app.config["HEALTHLINK_PASSCODE_ATTEMPTS"] == 5


def test_a_member_in_another_zone_chooses_their_own_days(app, members):
    member = members.make(timezone="Pacific/Kiritimati")
    make_checkin(member, mood=5)
    page = member.get("/sharing/links/").get_data(as_text=True)
    from journal import timekeeping

    assert f'value="{timekeeping.today_in("Pacific/Kiritimati", utcnow())}"' in page
