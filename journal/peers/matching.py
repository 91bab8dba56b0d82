"""Peer matching: a documented score and the human reason behind each suggestion. Pure: no database here.

Score (higher first):

    10 points per shared condition (at most 3 count)              -> up to 30
     4 points per shared topic (at most 5 count)                   -> up to 20
     6 if one mostly gives support and the other mostly seeks it,
     3 if either chose "both" (0 for give+give or get+get)        -> up to 6
     4 if time zones are within 1 hour, 2 within 3 hours,
     1 within 6 hours (measured round the clock)                   -> up to 4

Two members are only suggested to each other when they share at least one language and at least one
condition or topic: a suggestion must have a reason that is about living with something, not only a
time zone. `journal/peers/suggestions.py` computes exactly this score in SQL (over every opted-in member,
without loading profiles into Python); tests check that both agree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journal.peers.conditions import CONDITION_BY_KEY, CONDITIONS, RECOVERY, TOPIC_BY_KEY, TOPICS


@dataclass(frozen=True)
class Weights:
    condition: int = 10
    condition_cap: int = 3
    topic: int = 4
    topic_cap: int = 5
    complementary: int = 6  # give <-> get
    either_both: int = 3  # one or both chose "both"
    # (largest distance in minutes, points), nearest first
    timezone: tuple[tuple[int, int], ...] = ((60, 4), (180, 2), (360, 1))


WEIGHTS = Weights()
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class PeerFacts:
    """What matching knows about one member: plaintext codes only (never the bio or free text)."""

    conditions: frozenset[str]
    topics: frozenset[str]
    languages: frozenset[str]
    support: str  # give | get | both
    utc_offset_minutes: int


@dataclass(frozen=True)
class Match:
    score: int
    shared_conditions: tuple[str, ...]
    shared_topics: tuple[str, ...]
    support_points: int
    minutes_apart: int
    reason: str


def minutes_apart(a: int, b: int) -> int:
    """Distance between two UTC offsets round the clock (UTC+14 and UTC-12 are 2 hours apart)."""
    d = abs(a - b) % MINUTES_PER_DAY
    return min(d, MINUTES_PER_DAY - d)


def timezone_points(distance: int, weights: Weights = WEIGHTS) -> int:
    for limit, points in weights.timezone:
        if distance <= limit:
            return points
    return 0


def support_points(mine: str, theirs: str, weights: Weights = WEIGHTS) -> int:
    if {mine, theirs} == {"give", "get"}:
        return weights.complementary
    if "both" in (mine, theirs):
        return weights.either_both
    return 0


def _in_order(keys: Iterable[str], catalogue) -> tuple[str, ...]:
    wanted = set(keys)
    return tuple(item.key for item in catalogue if item.key in wanted)


def score(me: PeerFacts, other: PeerFacts, weights: Weights = WEIGHTS) -> Match | None:
    """How well `other` fits `me`, with the reason; None when they must not be suggested."""
    if not me.languages & other.languages:
        return None
    conditions = _in_order(me.conditions & other.conditions, CONDITIONS)
    topics = _in_order(me.topics & other.topics, TOPICS)
    if not conditions and not topics:
        return None
    support = support_points(me.support, other.support, weights)
    distance = minutes_apart(me.utc_offset_minutes, other.utc_offset_minutes)
    total = (weights.condition * min(len(conditions), weights.condition_cap)
             + weights.topic * min(len(topics), weights.topic_cap)
             + support + timezone_points(distance, weights))
    return Match(total, conditions, topics, support, distance,
                 reason(conditions, topics, me.support, other.support, distance))


def english_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def reason(conditions: tuple[str, ...], topics: tuple[str, ...], my_support: str, their_support: str,
           distance: int) -> str:
    """'You both live with lupus; you both chose fatigue and work & illness' (most important first)."""
    parts = []
    living = [CONDITION_BY_KEY[k].phrase for k in conditions if CONDITION_BY_KEY[k].group != RECOVERY]
    recovering = [CONDITION_BY_KEY[k].phrase for k in conditions if CONDITION_BY_KEY[k].group == RECOVERY]
    if living:
        parts.append(f"you both live with {english_list(living)}")
    if recovering:
        parts.append(f"you're both in recovery from {english_list(recovering)}")
    if topics:
        parts.append(f"you both chose {english_list([TOPIC_BY_KEY[k].label.lower() for k in topics])}")
    if (my_support, their_support) == ("get", "give"):
        parts.append("they would like to offer support, and you are looking for it")
    elif (my_support, their_support) == ("give", "get"):
        parts.append("they are looking for support, and you would like to offer it")
    if distance == 0:
        parts.append("you're in the same time zone")
    elif distance <= 180:
        parts.append("your time zones are close")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
