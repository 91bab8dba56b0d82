"""The intervals, against published values: Student's t quantiles (any statistics table; R's qt()), the Wilson
interval of Newcombe (1998), and a mean's t-interval worked by hand."""
from __future__ import annotations

import math

import pytest

from journal.intervals import Z_95, mean_interval, t_cdf, t_quantile, wilson_interval

# (p, df, t): qt(p, df) to 6 decimals.
T_TABLE = [
    (0.975, 1, 12.706205), (0.975, 2, 4.302653), (0.975, 3, 3.182446), (0.975, 5, 2.570582),
    (0.975, 9, 2.262157), (0.975, 10, 2.228139), (0.975, 19, 2.093024), (0.975, 29, 2.045230),
    (0.975, 30, 2.042272), (0.975, 60, 2.000298), (0.975, 100, 1.983972), (0.975, 1000, 1.962339),
    (0.95, 10, 1.812461), (0.995, 20, 2.845340), (0.9, 4, 1.533206), (0.5, 7, 0.0),
]


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_matches_the_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=2e-6)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=2e-6)


def test_t_tends_to_the_normal_and_inverts_its_cdf():
    assert t_quantile(0.975, 1e7) == pytest.approx(Z_95, abs=1e-5)
    for df in (1, 4, 17, 250):
        for p in (0.6, 0.9, 0.99, 0.999):
            assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)


@pytest.mark.parametrize("bad", [(0.0, 5), (1.0, 5), (0.5, 0), (1.2, 3)])
def test_t_quantile_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        t_quantile(*bad)


def test_wilson_interval_matches_newcombe_1998():
    p, low, high = wilson_interval(81, 263)
    assert (round(p, 4), round(low, 4), round(high, 4)) == (0.3080, 0.2553, 0.3662)
    # Newcombe's examples at the edges: 15/148 and 0/20, 1/29.
    assert tuple(round(v, 4) for v in wilson_interval(15, 148)[1:]) == (0.0624, 0.1605)
    assert tuple(round(v, 4) for v in wilson_interval(0, 20)[1:]) == (0.0, 0.1611)
    assert tuple(round(v, 4) for v in wilson_interval(1, 29)[1:]) == (0.0061, 0.1718)
    p, low, high = wilson_interval(10, 10)
    assert p == 1 and high == 1 and 0.69 < low < 0.73


def test_mean_interval_worked_by_hand():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    mean, low, high = mean_interval(values)
    half = 2.262157 * math.sqrt(sum((v - 5.5) ** 2 for v in values) / 9) / math.sqrt(10)
    assert mean == 5.5
    assert (low, high) == (pytest.approx(5.5 - half, abs=1e-5), pytest.approx(5.5 + half, abs=1e-5))
    assert mean_interval([2.0] * 12) == (2.0, 2.0, 2.0)
    with pytest.raises(ValueError):
        mean_interval([1.0])
