"""The pure scoring module: weights, requirements and the human reason."""
import pytest

from journal.peers import matching
from journal.peers.conditions import CONDITION_BY_KEY, CONDITIONS, TOPICS
from journal.peers.matching import PeerFacts, minutes_apart, score


def facts(conditions=(), topics=(), languages=("en",), support="both", offset=0):
    return PeerFacts(frozenset(conditions), frozenset(topics), frozenset(languages), support, offset)


def test_the_reason_names_shared_conditions_then_topics():
    me = facts(["lupus", "migraine"], ["fatigue", "work", "sleep"], offset=60)
    them = facts(["lupus"], ["work", "fatigue"], offset=600)
    match = score(me, them)
    assert match.reason == "You both live with lupus; you both chose fatigue and work & illness"
    assert match.shared_conditions == ("lupus",) and match.shared_topics == ("fatigue", "work")


@pytest.mark.parametrize(("mine", "theirs", "points", "words"), [
    ("get", "give", 6, "they would like to offer support, and you are looking for it"),
    ("give", "get", 6, "they are looking for support, and you would like to offer it"),
    ("both", "give", 3, None),
    ("get", "both", 3, None),
    ("both", "both", 3, None),
    ("give", "give", 0, None),
    ("get", "get", 0, None),
])
def test_complementary_give_and_get(mine, theirs, points, words):
    match = score(facts(["lupus"], support=mine, offset=600), facts(["lupus"], support=theirs))
    assert match.support_points == points
    assert match.score == 10 + points
    assert (words in match.reason) if words else match.reason == "You both live with lupus"


@pytest.mark.parametrize(("a", "b", "distance", "points"), [
    (0, 0, 0, 4), (60, 0, 60, 4), (0, 61, 61, 2), (0, -180, 180, 2), (330, 0, 330, 1), (0, 420, 420, 0),
    (840, -720, 120, 2),  # UTC+14 and UTC-12 are two hours apart round the clock
    (-600, 600, 240, 1), (720, -720, 0, 4),
])
def test_timezone_overlap_is_measured_round_the_clock(a, b, distance, points):
    assert minutes_apart(a, b) == distance
    match = score(facts(["asthma"], offset=a, support="give"), facts(["asthma"], offset=b, support="give"))
    assert match.minutes_apart == distance
    assert match.score == 10 + points


def test_shared_conditions_weigh_most_then_topics():
    me = facts(["lupus", "fibromyalgia", "migraine", "ibs"],
               ["fatigue", "pain", "work", "sleep", "flares", "caregiving"], support="give", offset=0)
    one_condition = facts(["lupus"], support="give", offset=600)
    two_topics = facts(topics=["fatigue", "pain"], support="give", offset=600)
    assert score(me, one_condition).score > score(me, two_topics).score  # 10 > 8
    # Caps: at most three conditions and five topics count.
    everything = facts(me.conditions, me.topics, support="give", offset=0)
    assert score(me, everything).score == 3 * 10 + 5 * 4 + 0 + 4


def test_a_shared_condition_beats_complementary_support_and_time_zone():
    me = facts(["lupus"], ["fatigue"], support="get", offset=0)
    condition = facts(["lupus"], support="get", offset=600)
    support_and_zone = facts(topics=["fatigue"], support="give", offset=0)
    assert score(me, condition).score == 10
    assert score(me, support_and_zone).score == 4 + 6 + 4
    # Topic + perfect support + same zone (14) outranks a lone shared condition (10): documented weights.
    assert score(me, support_and_zone).score > score(me, condition).score


def test_a_common_language_is_required():
    assert score(facts(["lupus"], languages=["en"]), facts(["lupus"], languages=["fr", "de"])) is None
    assert score(facts(["lupus"], languages=["en", "fr"]), facts(["lupus"], languages=["fr"])) is not None


def test_nothing_in_common_but_a_time_zone_is_not_a_match():
    assert score(facts(["lupus"], ["pain"]), facts(["asthma"], ["sleep"])) is None


def test_recovery_is_worded_as_recovery():
    match = score(facts(["alcohol", "depression"], ["early_recovery"], offset=600),
                  facts(["alcohol", "depression"], ["early_recovery"]))
    assert match.reason == ("You both live with depression; you're both in recovery from alcohol use; "
                            "you both chose early recovery")


def test_lists_read_naturally():
    assert matching.english_list(["a"]) == "a"
    assert matching.english_list(["a", "b"]) == "a and b"
    assert matching.english_list(["a", "b", "c"]) == "a, b and c"


def test_curated_lists_carry_icd10_codes_and_cover_the_three_areas():
    assert 38 <= len(CONDITIONS) <= 50
    assert len({c.key for c in CONDITIONS}) == len(CONDITIONS)
    assert all(c.icd10 and c.icd10[0].isalpha() for c in CONDITIONS)
    assert {c.group for c in CONDITIONS} == {"Chronic illness", "Mental health", "Addiction recovery"}
    assert CONDITION_BY_KEY["lupus"].icd10 == "M32"
    topics = {t.key for t in TOPICS}
    assert {"newly_diagnosed", "flares", "fatigue", "pain", "work", "relationships", "caregiving",
            "medication_changes", "early_recovery", "long_term_recovery"} <= topics
