"""The member's safety plan through its pages: write, read, edit, refuse bad input kindly, delete; encrypted
at rest; one tap from the crisis prompts and the help page."""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from journal.extensions import db
from journal.safetyplan.models import SafetyPlan
from tests.conftest import PASSWORD, Client
from tests.safetyplan.conftest import CANARY, plan_form, write_plan


def page(response) -> str:
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


def test_a_new_member_is_invited_to_write_a_plan_and_nothing_is_prefilled(member):
    shown = page(member.get("/safety-plan"))
    assert "Write my safety plan" in shown and "Delete my safety plan" not in shown
    form = member.get("/safety-plan/edit")
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    # Examples are placeholders only: every field starts empty.
    assert "<textarea" in body and "></textarea>" in body
    for name in ("warning_signs", "coping", "distractions", "environment", "reasons"):
        assert f'name="{name}" rows="4" placeholder="e.g.' in body, name
    assert 'value=""' in body and 'name="helpers-0-name" value=""' in body


def test_the_member_writes_reads_and_edits_their_plan(member):
    write_plan(member)
    shown = page(member.get("/safety-plan"))
    for words in (CANARY, "not sleeping", "hot shower", "the library", "Alex (sister)", "my dog",
                  "Alex keeps my medicines", "Dr Rivera's surgery"):
        assert words in shown, words
    assert 'href="tel:+447700900123"' in member.get("/safety-plan").get_data(as_text=True)
    assert "Crisis lines" in shown  # the configured lines, not a copy of them
    edit = page(member.get("/safety-plan/edit"))
    assert "not sleeping" in edit and 'value="Alex (sister)"' in edit
    write_plan(member, warning_signs="staying in bed")
    shown = page(member.get("/safety-plan"))
    assert "staying in bed" in shown and CANARY not in shown


def test_bad_input_is_refused_with_messages_and_nothing_is_saved(app, member):
    cases = [
        ({"warning_signs": "\n".join(f"sign {i}" for i in range(11))}, "Up to 10 lines"),
        ({"coping": "x" * 201}, "Line 1 is long"),
        ({"helpers-0-phone": "call me maybe"}, "Enter a phone number"),
        ({"helpers-0-name": "", "helpers-0-phone": "0123 456"}, "Add who this number is for"),
        ({"professionals-0-name": "n" * 81}, "80 characters"),
        ({"reasons": "bad\x00byte"}, "cannot be stored"),
        ({**{k: "" for k in plan_form()}}, "Your plan is empty"),
    ]
    for fields, message in cases:
        response = member.post("/safety-plan/edit", plan_form(**fields))
        assert response.status_code == 400, fields
        assert message in page(response), message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SafetyPlan)) == 0
    # What was typed comes back, so nothing is lost.
    response = member.post("/safety-plan/edit", plan_form(coping="x" * 201))
    assert "x" * 201 in page(response) and ">the library</textarea>" in page(response)


def test_a_stale_form_is_refused_kindly(member):
    response = member.post("/safety-plan/edit", plan_form(), csrf=False)
    assert response.status_code == 400 and "Reload the page" in page(response)


def test_the_plan_is_deleted_after_asking_first(app, member):
    write_plan(member)
    ask = member.post("/safety-plan/delete")
    assert ask.status_code == 200 and "Delete your safety plan?" in page(ask)
    done = member.post("/safety-plan/delete", {"confirm": "1"})
    assert done.status_code == 302
    assert "Write my safety plan" in page(member.get("/safety-plan"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SafetyPlan)) == 0


def test_deleting_the_account_deletes_the_plan(app, member):
    write_plan(member)
    response = member.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SafetyPlan)) == 0


def test_the_plan_is_not_readable_in_the_sqlite_file(sqlite_app):
    client = Client(sqlite_app)
    client.register("plan@example.org")
    write_plan(client)
    assert CANARY in client.get("/safety-plan").get_data(as_text=True)
    database = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            raw = path.read_bytes()
            assert CANARY.encode() not in raw and b"Alex (sister)" not in raw and b"7700 900123" not in raw, path


def test_only_owner_and_updated_at_are_plain_columns(app, member):
    write_plan(member)
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM safety_plans")).mappings().one()
        assert set(row) == {"owner_id", "body_ct", "updated_at"}
        assert CANARY.encode() not in bytes(row["body_ct"])


def test_a_tampered_plan_shows_a_kind_message_not_a_500(app, member):
    write_plan(member)
    with app.app_context():
        plan = db.session.scalars(select(SafetyPlan)).one()
        plan.body_ct = plan.body_ct[:-1] + bytes([plan.body_ct[-1] ^ 1])
        db.session.commit()
    response = member.get("/safety-plan")
    assert response.status_code == 200 and "could not be decrypted" in page(response)
    assert member.get("/safety-plan/edit").status_code == 200


def test_the_plan_page_is_marked_for_the_offline_copy_and_never_http_cached(member):
    response = member.get("/safety-plan")
    assert response.headers["X-PJ-Offline-Copy"] == str(member.user_id)
    assert "no-store" in response.headers["Cache-Control"]
    assert "X-PJ-Offline-Copy" not in member.get("/safety-plan/edit").headers


@pytest.mark.parametrize("path", ["/safety-plan", "/safety-plan/edit"])
def test_anonymous_visitors_are_asked_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/safety-plan/edit", plan_form()).status_code == 302


def test_help_page_and_crisis_banner_link_to_the_plan_for_members_only(client, member):
    assert 'href="/safety-plan"' in member.get("/help").get_data(as_text=True)
    assert 'href="/safety-plan"' not in client.get("/help").get_data(as_text=True)
    assert "Get help now" in client.get("/help").get_data(as_text=True)
    # A check-in whose note matches crisis language shows the banner, with the plan one tap away.
    response = member.post("/checkin", {"mood": "1", "note": "I want to die", "timezone": "UTC"})
    assert response.status_code == 302, page(response)
    banner = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "crisis-banner" in banner and 'href="/safety-plan"' in banner
    assert 'href="/safety-plan"' in member.get("/account").get_data(as_text=True)


def test_a_clinician_gets_no_plan_of_their_own(members):
    clinician = members.make(role="clinician")
    assert clinician.get("/safety-plan").status_code == 403
    assert 'href="/safety-plan"' not in clinician.get("/help").get_data(as_text=True)
