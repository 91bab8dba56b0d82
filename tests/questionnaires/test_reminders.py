"""Reminders for due questionnaires: only when the member turned them on, once per due date, through the push
outbox with a generic payload (never the instrument, never a score)."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from journal.extensions import db, utcnow
from journal.push.models import PushNotification
from tests.questionnaires.test_pages import WHO5, result_path, take


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["questionnaires", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def notifications(app) -> list[PushNotification]:
    with app.app_context():
        rows = db.session.scalars(select(PushNotification).where(PushNotification.kind == "event")).all()
        db.session.expunge_all()
        return rows


def test_nothing_is_sent_unless_the_member_turns_reminders_on(app, member):
    assert "Due now." in member.get("/questionnaires/").get_data(as_text=True)  # WHO-5 offered by default
    assert "0 reminder(s)" in remind(app)
    assert notifications(app) == []


def test_a_due_questionnaire_reminds_once_with_a_generic_payload(app, member):
    assert member.post("/questionnaires/reminders", {"remind": "1"}).status_code == 302
    assert "1 reminder(s)" in remind(app)
    assert "0 reminder(s)" in remind(app)  # the same due questionnaire: once
    [sent] = notifications(app)
    assert (sent.event, sent.path, sent.user_id) == ("questionnaire_due", "/questionnaires/", member.user_id)
    assert sent.body == "A questionnaire you asked for is ready"
    for word in ("WHO", "wellbeing", "PHQ", "score", "%"):
        assert word not in sent.body and word not in (sent.title or "")
    result_path(take(member, "who5", WHO5))  # taken: not due for two weeks
    with time_machine.travel(utcnow() + timedelta(days=7), tick=True):
        assert "0 reminder(s)" in remind(app)
    with time_machine.travel(utcnow() + timedelta(days=15), tick=True):
        assert "1 reminder(s)" in remind(app)
        assert "0 reminder(s)" in remind(app)
    assert len(notifications(app)) == 2


def test_turning_reminders_off_stops_them(app, member):
    member.post("/questionnaires/reminders", {"remind": "1"})
    member.post("/questionnaires/reminders", {"remind": "0"})
    assert "Remind me when one is due" in member.get("/questionnaires/").get_data(as_text=True)
    assert "0 reminder(s)" in remind(app)
