"""Suggestions: who is left out, the reason shown, and the database ranking agreeing with matching.score()."""
import random
import uuid
from datetime import timedelta

from sqlalchemy import insert, select

from journal.accounts import User
from journal.extensions import db, utcnow
from journal.peers import matching, profiles, suggestions
from journal.peers.conditions import CONDITIONS, TOPICS
from journal.peers.models import PeerCondition, PeerDecline, PeerLanguage, PeerProfile, PeerTopic
from tests.peers.conftest import opt_in


def suggested(client) -> dict[str, str]:
    response = client.api("GET", "/api/v1/peers/suggestions")
    assert response.status_code == 200
    return {item["member"]["display_name"]: item["reason"] for item in response.get_json()["items"]}


def test_suggestions_explain_themselves_on_the_page_and_in_the_api(members):
    me = members.make(display_name="Me")
    them = members.make(display_name="Lu")
    opt_in(me, conditions=["lupus", "asthma"], topics=["fatigue", "work", "sleep"], support="get")
    opt_in(them, conditions=["lupus"], topics=["work", "fatigue"], support="give", timezone="Asia/Tokyo")
    reason = ("You both live with lupus; you both chose fatigue and work & illness; "
              "they would like to offer support, and you are looking for it")
    assert suggested(me) == {"Lu": reason}
    page = me.get("/peers/suggestions").get_data(as_text=True)
    assert "Lu" in page and reason.replace("&", "&amp;") in page and "Ask to connect" in page


def test_exclusions(app, members):
    me = members.make(display_name="Me")
    names = ["Match", "Closed", "Off", "Connected", "AskedMe", "IAsked", "IBlocked", "BlockedMe", "DeclinedMe",
             "DeclinedLongAgo", "OtherLanguage", "NothingShared", "Staff"]
    people = {name: members.make(display_name=name) for name in names}
    opt_in(me)
    for name, client in people.items():
        opt_in(client, languages=["fr"] if name == "OtherLanguage" else ["en"],
               conditions=["asthma"] if name == "NothingShared" else ["lupus"],
               topics=["sleep"] if name == "NothingShared" else ["fatigue"],
               open_to_matches=name != "Closed")
    never = members.make(display_name="NeverOptedIn")  # no profile at all
    assert people["Off"].post("/peers/profile/leave").status_code == 302
    post = lambda client, url, **body: client.api("POST", url, json=body or None)  # noqa: E731
    post(me, "/api/v1/peers/connections", member_id=people["Connected"].member_id)
    post(people["Connected"], f"/api/v1/peers/connections/{me.member_id}/accept")
    post(people["AskedMe"], "/api/v1/peers/connections", member_id=me.member_id)
    post(me, "/api/v1/peers/connections", member_id=people["IAsked"].member_id)
    post(me, "/api/v1/peers/blocks", member_id=people["IBlocked"].member_id)
    post(people["BlockedMe"], "/api/v1/peers/blocks", member_id=me.member_id)
    for name in ("DeclinedMe", "DeclinedLongAgo"):
        post(me, "/api/v1/peers/connections", member_id=people[name].member_id)
        assert post(people[name], f"/api/v1/peers/connections/{me.member_id}/decline").status_code == 204
    with app.app_context():
        row = db.session.get(PeerDecline, (people["DeclinedLongAgo"].user_id, me.user_id))
        row.declined_at = utcnow() - timedelta(days=31)
        db.session.get(User, people["Staff"].user_id).role = "moderator"
        db.session.commit()
    assert set(suggested(me)) == {"Match", "DeclinedLongAgo"}
    assert "NeverOptedIn" not in suggested(me) and never.api("GET", "/api/v1/peers/suggestions").status_code == 409
    # A declined member's request stays refused for 30 days, quietly.
    response = post(me, "/api/v1/peers/connections", member_id=people["DeclinedMe"].member_id)
    assert response.status_code == 404
    # Not open to new matches: no suggestions for me either.
    opt_in(me, open_to_matches=False)
    assert suggested(me) == {}


def test_declining_is_not_told_and_is_remembered_30_days(app, members):
    asker, decliner = members.make(display_name="Asker"), members.make(display_name="Decliner")
    opt_in(asker)
    opt_in(decliner)
    asker.api("POST", "/api/v1/peers/connections", json={"member_id": decliner.member_id})
    assert decliner.api("GET", "/api/v1/peers/notifications").get_json()["unread"] == 1
    assert decliner.post(f"/peers/members/{asker.member_id}/decline").status_code == 302
    assert asker.api("GET", "/api/v1/peers/notifications").get_json()["items"] == []
    assert asker.api("GET", "/api/v1/peers/connections").get_json()["outgoing"] == []
    assert "Decliner" not in suggested(asker)
    assert "Asker" in suggested(decliner)  # the decliner may still change their mind


def _random_population(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    now = utcnow()
    ids = []
    for i in range(n):
        user = User(email=f"pop{seed}-{i}@example.org", password_hash="x", display_name=f"P{i}", role="member",
                    timezone="UTC")
        db.session.add(user)
        db.session.flush()
        ids.append(user.id)
        db.session.add(PeerProfile(id=uuid.uuid4(), user_id=user.id, enabled=True, open_to_matches=True,
                                   support=rng.choice(["give", "get", "both"]),
                                   utc_offset_minutes=rng.choice([-600, -300, 0, 60, 330, 540, 840]),
                                   created_at=now, updated_at=now))
        rows = [(PeerCondition, c.key) for c in rng.sample(CONDITIONS[:6], rng.randint(0, 3))]
        rows += [(PeerTopic, t.key) for t in rng.sample(TOPICS[:6], rng.randint(0, 3))]
        rows += [(PeerLanguage, code) for code in rng.sample(["en", "fr", "de"], rng.randint(1, 2))]
        for model, code in rows:
            db.session.execute(insert(model).values(user_id=user.id, code=code))
    db.session.commit()
    return ids


def test_the_database_ranking_equals_matching_score_for_everyone(app):
    """Brute force in Python over a random population == the SQL ranking (both passes), on both backends."""
    with app.app_context():
        ids = _random_population(120, seed=4)
        facts = profiles.facts_for(ids)
        now = utcnow()
        first_pass_used = full_used = 0
        for uid in ids[:40]:
            expected = sorted(((-m.score, other) for other in ids if other != uid
                               for m in [matching.score(facts[uid], facts[other])] if m), key=lambda x: x)
            expected = [(other, -neg) for neg, other in expected[:suggestions.LIMIT]]
            assert suggestions.ranked(uid, facts[uid], now) == expected, uid
            full = db.session.execute(suggestions.ranked_query(uid, facts[uid], now)).all()
            assert [tuple(r) for r in full] == expected
            if facts[uid].conditions:
                first = db.session.execute(suggestions.ranked_query(uid, facts[uid], now, conditions_only=True)).all()
                if len(first) == suggestions.LIMIT and first[-1][1] > \
                        suggestions.best_without_a_shared_condition(facts[uid]):
                    first_pass_used += 1
                else:
                    full_used += 1
        assert first_pass_used and full_used, "both passes should be exercised by this population"


def test_suggestion_cards_carry_no_email(app, members):
    me, them = members.make(), members.make()
    opt_in(me)
    opt_in(them)
    body = me.api("GET", "/api/v1/peers/suggestions").get_data(as_text=True)
    assert them.email not in body and me.email not in body
    with app.app_context():
        assert db.session.scalar(select(PeerProfile.id).where(PeerProfile.user_id == them.user_id))
