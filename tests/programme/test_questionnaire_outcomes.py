"""The programme report with the real questionnaire feature answering signals.programme_outcomes_requested:
members take the WHO-5 through its pages eight weeks apart, and the report shows the change."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from journal.config import DEFAULTS
from tests.programme.conftest import join, sign_in_again

# Raw item answers (0–5); the WHO-5 total is raw × 4 (0–100 %).
LOW = {"q1": "2", "q2": "2", "q3": "2", "q4": "2", "q5": "2"}  # raw 10 -> 40 %
BETTER = {"q1": "3", "q2": "3", "q3": "3", "q4": "3", "q5": "3"}  # raw 15 -> 60 %


@pytest.fixture
def config_overrides():
    return {"FEATURES": DEFAULTS["FEATURES"]}  # the whole app, questionnaires included


def take_who5(members, client, answers, days_ago: int) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=days_ago), tick=False):
        response = sign_in_again(members, client).post("/questionnaires/who5", answers)
        assert response.status_code == 302, response.get_data(as_text=True)


def test_the_report_shows_the_change_members_recorded_in_their_questionnaires(app, members):
    admin = members.make(role="admin")
    # Ten members without a pair (one baseline only, or no WHO-5): were every counted member to have one,
    # "members without a pair: 0" would say something of each, and the rows would be suppressed.
    for n in range(10):
        client = join(members, 70)
        if n % 2:
            take_who5(members, client, LOW, days_ago=65)
    for n in range(10):
        client = join(members, 70)
        take_who5(members, client, LOW, days_ago=65)
        # Eight weeks on, give or take a day or two (within the ±14-day window), a little better each:
        # raw 15, 16 or 17 -> 60, 64 or 68 %, a change of +20, +24 or +28 points.
        take_who5(members, client, {**BETTER, "q1": str(3 + n % 3)}, days_ago=65 - 56 + (n % 3))
    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/programme.csv").get_data(as_text=True))))
    who = {row["figure"]: row for row in rows if row["section"].startswith("Change over 8 weeks: WHO-5")}
    everyone = who["Mean change, all members with both responses"]
    assert everyone["members"] == "10"
    # n % 3 over ten members: four at +20, three at +24, three at +28.
    assert float(everyone["estimate"]) == pytest.approx((4 * 20 + 3 * 24 + 3 * 28) / 10)
    # Nobody has a peer connection: with 0 and without 10 would give each other away, so both are hidden.
    assert who["Mean change, with at least one peer connection"]["members"] == "suppressed"
    assert who["Mean change, without a peer connection"]["members"] == "suppressed"


def test_the_follow_up_is_the_response_nearest_eight_weeks_on_within_two_weeks(app, members):
    from journal import signals

    ties, late = join(members, 100), join(members, 100)
    take_who5(members, ties, LOW, days_ago=90)  # baseline 40 %
    take_who5(members, ties, BETTER, days_ago=90 - 50)  # 6 days early: 60 %
    take_who5(members, ties, {**BETTER, "q1": "5"}, days_ago=90 - 62)  # 6 days late: 68 %; the tie goes early
    take_who5(members, late, LOW, days_ago=90)
    take_who5(members, late, BETTER, days_ago=90 - 71)  # 15 days late: no pair
    with app.test_request_context():
        answers = signals.answers(signals.programme_outcomes_requested, member_ids=frozenset({ties.user_id,
                                  late.user_id}), instrument="WHO-5", window=signals.OutcomeWindow())
        assert answers == [{ties.user_id: (40.0, 60.0)}]
        assert signals.answers(signals.programme_outcomes_requested, member_ids=frozenset({ties.user_id}),
                               instrument="PHQ-9", window=signals.OutcomeWindow()) == []
