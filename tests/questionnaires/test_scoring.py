"""Scoring matches the published instruments on worked examples computed by hand (the expectation is written
out, never produced by the scoring code)."""
from __future__ import annotations

import pytest

from journal.questionnaires.instruments import INSTRUMENTS, MissingAnswers, parse, score


def answers(*values, difficulty=None):
    out = {f"q{n}": str(v) for n, v in enumerate(values, 1)}
    if difficulty is not None:
        out["difficulty"] = str(difficulty)
    return out


def scored(code, *values, **extra):
    instrument = INSTRUMENTS[code]
    return score(instrument, parse(instrument, answers(*values, **extra)))


def test_who5_raw_times_four_and_the_bands():
    # 3+4+2+3+4 = 16 raw; 16 × 4 = 64 %: not low, no item at 0–1.
    result = scored("who5", 3, 4, 2, 3, 4)
    assert (result.raw, result.total, result.band.name, result.flags) == (16, 64, "Not low", ())
    # 2+2+3+2+3 = 12 raw -> 48 %: below 50, low wellbeing.
    assert scored("who5", 2, 2, 3, 2, 3).total == 48
    assert scored("who5", 2, 2, 3, 2, 3).band.name == "Low wellbeing"
    # 1+1+2+1+2 = 7 -> 28 %: the "≤ 28" band.
    assert scored("who5", 1, 1, 2, 1, 2).total == 28
    assert scored("who5", 1, 1, 2, 1, 2).band.name == "Very low wellbeing"
    # 5+5+5+5+1 = 21 -> 84 %, but one item at 1 ("some of the time") also suggests low wellbeing.
    result = scored("who5", 5, 5, 5, 5, 1)
    assert (result.total, result.flags) == (84, ("low_item",))
    # The extremes: 0 and 100.
    assert scored("who5", 0, 0, 0, 0, 0).total == 0
    assert scored("who5", 5, 5, 5, 5, 5).total == 100


@pytest.mark.parametrize(("values", "total", "band"), [
    ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "Minimal"),
    ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "Minimal"),
    ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "Mild"),
    ((2, 2, 1, 1, 1, 1, 1, 0, 0), 9, "Mild"),
    ((2, 2, 2, 2, 1, 1, 0, 0, 0), 10, "Moderate"),
    ((2, 2, 2, 2, 2, 2, 2, 1, 0), 15, "Moderately severe"),
    ((3, 3, 2, 2, 2, 2, 2, 2, 1), 19, "Moderately severe"),
    ((3, 3, 3, 2, 2, 2, 2, 2, 1), 20, "Severe"),
    ((3, 3, 3, 3, 3, 3, 3, 3, 3), 27, "Severe"),
])
def test_phq9_sum_and_bands(values, total, band):
    result = scored("phq9", *values)
    assert (result.total, result.band.name) == (total, band)


def test_phq9_item9_flag_and_the_unscored_difficulty_question():
    # item 9 = 1 ("several days"): flagged whatever the total; difficulty "very difficult" (2) is not added.
    result = scored("phq9", 0, 1, 0, 0, 0, 0, 0, 0, 1, difficulty=2)
    assert (result.total, result.flags) == (2, ("item9",))
    assert scored("phq9", 3, 3, 3, 3, 3, 3, 3, 3, 0).flags == ()


@pytest.mark.parametrize(("values", "total", "band"), [
    ((0, 0, 0, 0, 0, 0, 0), 0, "Minimal"),
    ((1, 1, 1, 1, 0, 0, 0), 4, "Minimal"),
    ((1, 1, 1, 1, 1, 0, 0), 5, "Mild"),
    ((2, 2, 2, 1, 1, 1, 1), 10, "Moderate"),
    ((2, 2, 2, 2, 2, 2, 2), 14, "Moderate"),
    ((3, 3, 3, 2, 2, 1, 1), 15, "Severe"),
    ((3, 3, 3, 3, 3, 3, 3), 21, "Severe"),
])
def test_gad7_sum_and_bands(values, total, band):
    result = scored("gad7", *values)
    assert (result.total, result.band.name) == (total, band)


def test_ucla3_range_three_to_nine():
    assert (scored("ucla3", 1, 1, 1).total, scored("ucla3", 1, 1, 1).band.name) == (3, "Not often lonely")
    assert (scored("ucla3", 2, 2, 1).total, scored("ucla3", 2, 2, 1).band.name) == (5, "Not often lonely")
    assert (scored("ucla3", 2, 2, 2).total, scored("ucla3", 2, 2, 2).band.name) == (6, "Often lonely")
    assert scored("ucla3", 3, 3, 3).total == 9


def test_mspss_mean_and_subscales():
    # Items 1..12 = 7,6,2,3,7,5,5,2,6,7,3,4. Sum 57; mean 57/12 = 4.75 (moderate).
    # Significant other (1,2,5,10): 7+6+7+7 = 27 / 4 = 6.75; Family (3,4,8,11): 2+3+2+3 = 10 / 4 = 2.5;
    # Friends (6,7,9,12): 5+5+6+4 = 20 / 4 = 5.0.
    result = scored("mspss", 7, 6, 2, 3, 7, 5, 5, 2, 6, 7, 3, 4)
    assert (result.raw, result.total, result.band.name) == (57, 4.75, "Moderate support")
    assert result.subscales == {"Significant other": 6.75, "Family": 2.5, "Friends": 5.0}


def test_mspss_means_between_the_published_bands_go_by_their_rounded_value():
    # 35/12 = 2.9166… -> 2.92: shown as 2.9, "low" (1–2.9). 36/12 = 3.0: moderate.
    low = scored("mspss", 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2)
    assert (low.total, low.band.name) == (2.92, "Low support")
    assert scored("mspss", *[3] * 12).band.name == "Moderate support"
    # 61/12 = 5.0833… -> 5.08, shown as 5.1: high (5.1–7). 60/12 = 5.0: moderate.
    high = scored("mspss", 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)
    assert (high.total, high.band.name) == (5.08, "High support")
    assert scored("mspss", *[5] * 12).band.name == "Moderate support"
    assert scored("mspss", *[1] * 12).total == 1.0 and scored("mspss", *[7] * 12).total == 7.0


def test_missing_and_foreign_answers_are_named_and_optional_items_may_be_left_out():
    instrument = INSTRUMENTS["phq9"]
    with pytest.raises(MissingAnswers) as caught:
        parse(instrument, {"q1": "1", "q2": "4", "q9": "0"})
    assert set(caught.value.fields) == {"q2", "q3", "q4", "q5", "q6", "q7", "q8"}
    assert "difficulty" not in parse(instrument, answers(0, 0, 0, 0, 0, 0, 0, 0, 0))


def test_every_instrument_is_declared_with_attribution_licence_and_bands_covering_its_range():
    for instrument in INSTRUMENTS.values():
        assert instrument.attribution and instrument.licence and instrument.source_url
        assert instrument.bands[0].low == instrument.score_low and instrument.bands[-1].high == instrument.score_high
        for item in instrument.items:
            assert item.options and len({o.value for o in item.options}) == len(item.options)
    assert [len(INSTRUMENTS[c].scored_items) for c in ("who5", "phq9", "gad7", "ucla3", "mspss")] == [5, 9, 7, 3, 12]
