"""Questionnaire pages through HTTP: taking one, form errors that keep answers, the result, the trend, schedules,
storage encrypted at rest, and who may see what."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from journal.extensions import db, utcnow
from journal.questionnaires.models import QuestionnaireResponse

WHO5 = {"q1": "3", "q2": "4", "q3": "2", "q4": "3", "q5": "4"}  # 16 raw -> 64 %


def take(client, code, answers):
    return client.post(f"/questionnaires/{code}", answers)


def result_path(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def phq9(item9: int, **others) -> dict:
    return {**{f"q{n}": "1" for n in range(1, 9)}, "q9": str(item9), **others}


def test_taking_the_who5_shows_score_band_and_not_a_diagnosis(member):
    page = member.get("/questionnaires/who5").get_data(as_text=True)
    assert "I have felt cheerful and in good spirits" in page and "<fieldset" in page and "<legend" in page
    assert " checked" not in page  # no answer is pre-selected
    html = member.get(result_path(take(member, "who5", WHO5))).get_data(as_text=True)
    assert "64%" in html and "Not low" in html and "This is not a diagnosis" in html
    assert "WHO Collaborating Centre in Mental Health" in html
    assert "item9-support" not in html


def test_a_missing_answer_is_a_clear_error_that_keeps_the_other_answers(member):
    response = take(member, "who5", {"q1": "3", "q2": "4", "q4": "1", "q5": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose an answer for question 3." in html and 'href="#q3-legend"' in html
    for name, value in (("q1", "3"), ("q2", "4"), ("q4", "1"), ("q5", "5")):
        assert re.search(rf'name="{name}" value="{value}" checked', html), name
    assert 'name="q3" value="0" checked' not in html


def test_nothing_is_stored_for_an_incomplete_or_foreign_answer(app, member):
    assert take(member, "who5", {**WHO5, "q5": "6"}).status_code == 422
    assert take(member, "phq9", {"q1": "1"}).status_code == 422
    with app.app_context():
        assert db.session.scalars(select(QuestionnaireResponse)).all() == []


def test_answers_and_scores_are_encrypted_at_rest(app, member):
    result_path(take(member, "who5", WHO5))
    with app.app_context():
        row = db.session.scalars(select(QuestionnaireResponse)).one()
        assert row.instrument == "who5" and row.owner_id == member.user_id
        assert b"answers" not in row.payload_ct and b"64" not in row.payload_ct and b"Not low" not in row.payload_ct


def test_the_trend_lists_every_result_with_a_chart_and_a_table(member):
    result_path(take(member, "who5", WHO5))
    # Thirteen days later (inside the session's idle limit): 5+5+4+4+5 = 23 raw -> 92 %, 28 points up.
    with time_machine.travel(utcnow() + timedelta(days=13), tick=True):
        latest = member.get(result_path(take(member, "who5", {"q1": "5", "q2": "5", "q3": "4", "q4": "4",
                                                              "q5": "5"}))).get_data(as_text=True)
        assert "Last time" in latest and "28 points" in latest and "meaningful change" in latest
        html = member.get("/questionnaires/who5/trend").get_data(as_text=True)
    assert '<svg class="chart" id="trend-who5"' in html and 'data-points="2"' in html
    assert '<polyline class="line"' in html  # thirteen days apart: joined by a line
    assert "64%" in html and "92%" in html and "<table" in html


def test_deleting_a_result_asks_first_and_then_removes_it_from_the_trend(app, member):
    path = result_path(take(member, "who5", WHO5))
    asked = member.post(path + "/delete")
    assert asked.status_code == 200 and "Delete this result?" in asked.get_data(as_text=True)
    assert member.get(path).status_code == 200
    done = member.post(path + "/delete", {"confirm": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/questionnaires/who5/trend")
    assert member.get(path).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(QuestionnaireResponse)).all() == []


def test_phq9_item9_shows_crisis_resources_safety_plan_wording_and_nobody_is_told(app, members):
    member = members.make()
    html = member.get(result_path(take(member, "phq9", phq9(2, difficulty="1")))).get_data(as_text=True)
    assert 'id="item9-support"' in html and "not a suicide-risk assessment" in html
    assert "988" in html and "Samaritans" in html and "Nobody else has been told" in html
    assert html.count('href="/safety-plan"') == 1  # one tap to the member's own plan
    with app.app_context():
        from journal.push.models import PushNotification

        assert db.session.scalars(select(PushNotification)).all() == []
    # With item 9 at 0 there is no crisis panel, but the page still says it is not a diagnosis.
    calm = member.get(result_path(take(member, "phq9", phq9(0)))).get_data(as_text=True)
    assert 'id="item9-support"' not in calm and "This is not a diagnosis" in calm
    # The form itself says it is not a suicide-risk assessment.
    assert "not a suicide-risk assessment" in member.get("/questionnaires/phq9").get_data(as_text=True)


def test_only_the_owner_sees_a_result_or_a_trend(members, client):
    owner = members.make()
    path = result_path(take(owner, "phq9", phq9(3)))
    other, clinician = members.make(), members.make(role="clinician")
    assert other.get(path).status_code == 404
    assert other.post(path + "/delete").status_code == 404
    assert "item 9" not in other.get("/questionnaires/phq9/trend").get_data(as_text=True)
    assert clinician.get(path).status_code == 403
    assert clinician.get("/questionnaires/").status_code == 403
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert owner.get(path).status_code == 200


def test_unknown_instruments_and_results_are_404(member):
    assert member.get("/questionnaires/nope").status_code == 404
    assert member.get("/questionnaires/results/00000000-0000-0000-0000-000000000000").status_code == 404
    assert member.post("/questionnaires/nope/schedule", {"every_weeks": "2"}).status_code == 404


def test_who5_is_offered_every_two_weeks_and_the_member_sets_the_schedule(member):
    html = member.get("/questionnaires/").get_data(as_text=True)
    who5 = html.split('id="offer-who5"')[1].split("</li>")[0]
    assert "Due now." in who5
    phq = html.split('id="offer-phq9"')[1].split("</li>")[0]
    assert "Not scheduled" in phq
    result_path(take(member, "who5", WHO5))
    who5 = member.get("/questionnaires/").get_data(as_text=True).split('id="offer-who5"')[1].split("</li>")[0]
    assert "Next:" in who5 and "Due now." not in who5
    assert member.post("/questionnaires/phq9/schedule", {"every_weeks": "4"}).status_code == 302
    phq = member.get("/questionnaires/").get_data(as_text=True).split('id="offer-phq9"')[1].split("</li>")[0]
    assert "Due now." in phq and '<option value="4" selected>' in phq
    member.post("/questionnaires/who5/schedule", {"every_weeks": "0"})
    who5 = member.get("/questionnaires/").get_data(as_text=True).split('id="offer-who5"')[1].split("</li>")[0]
    assert "Not scheduled" in who5
    refused = member.post("/questionnaires/who5/schedule", {"every_weeks": "-3"}, follow_redirects=True)
    assert "Choose a number of weeks" in refused.get_data(as_text=True)
    member.post("/questionnaires/who5/schedule", {"every_weeks": "2"})
    # Last (the session cannot come back from the future): 13 days on, every 2 weeks is not yet due; every week is.
    with time_machine.travel(utcnow() + timedelta(days=13), tick=True):
        who5 = member.get("/questionnaires/").get_data(as_text=True).split('id="offer-who5"')[1].split("</li>")[0]
        assert "Next:" in who5  # every 2 weeks: not yet
        member.post("/questionnaires/who5/schedule", {"every_weeks": "1"})
        who5 = member.get("/questionnaires/").get_data(as_text=True).split('id="offer-who5"')[1].split("</li>")[0]
        assert "Due now." in who5


def test_deleting_the_account_deletes_its_questionnaires(app, member):
    result_path(take(member, "who5", WHO5))
    member.post("/questionnaires/phq9/schedule", {"every_weeks": "4"})
    from tests.conftest import PASSWORD

    response = member.post("/account/delete", {"password": PASSWORD, "confirm": "1"})
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(QuestionnaireResponse)).all() == []


@pytest.mark.parametrize("config_overrides", [{"FEATURES": ("core", "auth", "entries", "pwa")}])
def test_an_app_without_the_feature_has_no_questionnaire_pages(app, member):
    assert member.get("/questionnaires/").status_code == 404
    assert "/questionnaires" not in member.get("/account").get_data(as_text=True)


def test_a_connected_peer_learns_nothing_of_an_item9_answer(app, members):
    from tests.peers.conftest import accept_guidelines, connect, opt_in, share

    author, peer = members.make(display_name="Robin"), members.make(display_name="Sam")
    for who in (author, peer):
        opt_in(who)
    connect(author, peer)
    for who in (author, peer):
        accept_guidelines(who)
    share(author, note="An ordinary day")
    from journal.push.models import PushNotification

    with app.app_context():
        before = len(db.session.scalars(select(PushNotification)).all())  # the connection's own notifications
    path = result_path(take(author, "phq9", phq9(3)))
    assert peer.get(path).status_code == 404
    for page in ("/peers/", "/peers/notifications", f"/peers/members/{author.member_id}"):
        html = peer.get(page).get_data(as_text=True)
        assert "PHQ" not in html and "questionnaire" not in html.lower(), page
    with app.app_context():
        assert len(db.session.scalars(select(PushNotification)).all()) == before


def test_item9_offers_the_members_own_safety_plan(app, members):
    member = members.make()
    html = member.get(result_path(take(member, "phq9", phq9(1)))).get_data(as_text=True)
    assert 'href="/safety-plan"' in html and "Open my safety plan" in html
    calm = member.get(result_path(take(member, "phq9", phq9(0)))).get_data(as_text=True)
    assert "/safety-plan" not in calm


def test_a_year_of_results_keeps_the_chart_readable(app, member):
    from journal.accounts import User
    from journal.questionnaires import services

    with app.app_context():
        user = db.session.get(User, member.user_id)
        for days_ago in (400, 200, 30):
            services.submit(user, "who5", WHO5, utcnow() - timedelta(days=days_ago))
        db.session.commit()
    html = member.get("/questionnaires/who5/trend").get_data(as_text=True)
    assert 'data-points="3"' in html and html.count('class="xlabel"') <= 9
    assert html.count("<tr>") == 4  # the table lists every result (and its header row)
