"""Suggested peers, scored in the database with the weights of journal/peers/matching.py.

SQL ranks every opted-in member who shares a language and a condition or topic with me,
leaving out: anyone not taking part or not open to new matches, myself, my connections and pending
requests either way, blocks either way, anyone who declined me in the last 30 days, suspended accounts
and staff. Only the top rows come back to Python, where matching.score() writes the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, false, func, literal, or_, select, true

from journal.accounts import User
from journal.extensions import db, utcnow
from journal.peers import connections, matching, profiles
from journal.peers.models import (
    PeerCondition,
    PeerConnection,
    PeerDecline,
    PeerLanguage,
    PeerProfile,
    PeerTopic,
)

LIMIT = 10


@dataclass
class Suggestion:
    card: profiles.PeerCard
    score: int
    reason: str
    match: matching.Match


def _capped(count, cap: int):
    return case((count > cap, cap), else_=count)


def _support_points(my_support: str, weights: matching.Weights):
    """The SQL twin of matching.support_points, with my side known."""
    theirs = PeerProfile.support
    if my_support == "both":
        return literal(weights.either_both)
    opposite = "get" if my_support == "give" else "give"
    return case((theirs == opposite, weights.complementary), (theirs == "both", weights.either_both), else_=0)


def _timezone_points(my_offset: int, weights: matching.Weights):
    """The SQL twin of matching.timezone_points(minutes_apart(...))."""
    raw = func.abs(PeerProfile.utc_offset_minutes - my_offset) % matching.MINUTES_PER_DAY
    distance = case((raw > matching.MINUTES_PER_DAY // 2, matching.MINUTES_PER_DAY - raw), else_=raw)
    return case(*[(distance <= limit, points) for limit, points in weights.timezone], else_=0)


def _shared(model, codes: list[str]):
    """(uid, n): how many of my codes each member shares, read through the code index."""
    return (select(model.user_id.label("uid"), func.count().label("n"))
            .where(model.code.in_(codes)).group_by(model.user_id).subquery())


def ranked_query(user_id: int, mine: matching.PeerFacts, now: datetime, limit: int = LIMIT, *,
                 conditions_only: bool = False, weights: matching.Weights = matching.WEIGHTS):
    """The statement: (user_id, score) of the best candidates, best first. With `conditions_only`, only
    members sharing a condition are ranked (the first, cheaper pass of for_member)."""
    shared_c = _shared(PeerCondition, sorted(mine.conditions)) if mine.conditions else None
    shared_t = _shared(PeerTopic, sorted(mine.topics)) if mine.topics and not conditions_only else None
    conditions_n = func.coalesce(shared_c.c.n, 0) if shared_c is not None else literal(0)
    topics_n = func.coalesce(shared_t.c.n, 0) if shared_t is not None else literal(0)
    if conditions_only and mine.topics:  # topics still score in the first pass, counted per candidate
        topics_n = (select(func.count()).where(PeerTopic.user_id == PeerProfile.user_id,
                                               PeerTopic.code.in_(sorted(mine.topics)))
                    .correlate(PeerProfile).scalar_subquery())
    score = (weights.condition * _capped(conditions_n, weights.condition_cap)
             + weights.topic * _capped(topics_n, weights.topic_cap)
             + _support_points(mine.support, weights)
             + _timezone_points(mine.utc_offset_minutes, weights)).label("score")
    query = select(PeerProfile.user_id, score).select_from(PeerProfile)
    shared_any = []
    for shared in (shared_c, shared_t):
        if shared is None:
            continue
        if conditions_only:
            query = query.join(shared, shared.c.uid == PeerProfile.user_id)
        else:
            query = query.outerjoin(shared, shared.c.uid == PeerProfile.user_id)
            shared_any.append(shared.c.n.is_not(None))
    # The first pass's inner join already means "shares a condition"; the full pass needs either.
    shares_something = true() if conditions_only else or_(*shared_any) if shared_any else false()
    return (
        query.where(
            PeerProfile.enabled, PeerProfile.open_to_matches, shares_something,
            PeerProfile.user_id != user_id,
            PeerProfile.user_id.in_(select(PeerLanguage.user_id).where(PeerLanguage.code.in_(sorted(mine.languages)))),
            PeerProfile.user_id.not_in(select(User.id).where(User.role != "member")),
            PeerProfile.user_id.not_in(select(PeerConnection.user_high).where(PeerConnection.user_low == user_id)),
            PeerProfile.user_id.not_in(select(PeerConnection.user_low).where(PeerConnection.user_high == user_id)),
            PeerProfile.user_id.not_in(connections.blocked_ids_query(user_id)),
            PeerProfile.user_id.not_in(select(PeerDecline.decliner_id).where(
                PeerDecline.requester_id == user_id, PeerDecline.declined_at > now - connections.DECLINE_MEMORY)),
            PeerProfile.user_id.not_in(connections.suspended_ids_query(now)),
        )
        .order_by(score.desc(), PeerProfile.user_id)
        .limit(limit)
    )


def best_without_a_shared_condition(mine: matching.PeerFacts, weights: matching.Weights = matching.WEIGHTS) -> int:
    """The highest score anyone sharing none of my conditions could reach."""
    support = weights.complementary if mine.support in ("give", "get") else weights.either_both
    return (weights.topic * min(len(mine.topics), weights.topic_cap) + support
            + max((points for _, points in weights.timezone), default=0))


def ranked(user_id: int, mine: matching.PeerFacts, now: datetime, limit: int = LIMIT) -> list[tuple[int, int]]:
    """The top (user_id, score) pairs, exactly as the full ranking would give them.

    Conditions weigh most, so the first pass ranks only members sharing a condition (found through the
    code index). When its last row already beats the best score anyone without a shared condition could
    reach, nobody else can enter the list and the answer is final; otherwise the full ranking runs.
    """
    if not mine.languages or not (mine.conditions or mine.topics):
        return []
    if mine.conditions:
        first = db.session.execute(ranked_query(user_id, mine, now, limit, conditions_only=True)).all()
        if len(first) == limit and first[-1][1] > best_without_a_shared_condition(mine):
            return [tuple(row) for row in first]
    return [tuple(row) for row in db.session.execute(ranked_query(user_id, mine, now, limit)).all()]


def for_member(user: User, profile: PeerProfile, now: datetime | None = None, limit: int = LIMIT) -> list[Suggestion]:
    """My best suggestions with the reason for each (the database ranks; Python only words the top rows)."""
    now = now or utcnow()
    mine = profiles.facts_for([user.id]).get(user.id)
    top = ranked(user.id, mine, now, limit) if mine else []
    if not top:
        return []
    ids = [uid for uid, _ in top]
    facts = profiles.facts_for(ids)
    people = {u.id: (u, p) for u, p in db.session.execute(
        select(User, PeerProfile).join(PeerProfile, PeerProfile.user_id == User.id).where(User.id.in_(ids)))}
    found = []
    for uid, score in top:
        match = matching.score(mine, facts[uid])
        if match is None:  # changed between the two queries; leave it out rather than guess
            continue
        found.append(Suggestion(profiles.card(*people[uid]), score, match.reason, match))
    return found
