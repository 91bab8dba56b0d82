"""Intervals in plain Python (no scipy): Student's t (its distribution and quantile), the t-interval of a
mean, Welch's interval for a difference of two means, and the Wilson interval of a proportion. Pure: no
Flask, no database. Used by patterns.py (what seems to go with better days) and the programme report; checked
against published tables in tests/test_intervals.py."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

LEVEL = 0.95
Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile



def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 6.4)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                          -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom (any real df > 0)."""
    tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_density(t: float, df: float) -> float:
    """Student's t density at `t`."""
    log_scale = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_scale - (df + 1) / 2 * math.log1p(t * t / df))


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p (to about 1e-12): Newton's steps on `t_cdf`, kept inside a bracket that
    halves whenever a step would leave it, so it converges for any df (a handful of steps in practice)."""
    if not 0 < p < 1 or not df > 0:
        raise ValueError("p must lie strictly between 0 and 1, and df be positive")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2
    t = (low + high) / 2
    for _ in range(200):
        gap = t_cdf(t, df) - p
        if gap == 0:
            break
        if gap < 0:
            low = t
        else:
            high = t
        step = t - gap / t_density(t, df)
        step = step if low < step < high else (low + high) / 2
        if abs(step - t) <= 1e-15 * max(1.0, abs(t)):
            return step
        t = step
    return t


@dataclass(frozen=True)
class Interval:
    difference: float  # mean with − mean without
    low: float
    high: float
    df: float  # Welch–Satterthwaite degrees of freedom


def welch_interval(with_values: list[float], without_values: list[float], level: float = LEVEL) -> Interval | None:
    """Welch's interval for mean(with) − mean(without); None with fewer than two values on a side. When
    every value on both sides is the same there is no spread to measure, and the interval is the point."""
    n1, n2 = len(with_values), len(without_values)
    if n1 < 2 or n2 < 2:
        return None
    m1, m2 = fmean(with_values), fmean(without_values)
    difference = m1 - m2
    # Sample variances (n − 1), summed directly: statistics.variance works in exact fractions, far slower.
    a = sum((x - m1) ** 2 for x in with_values) / (n1 - 1) / n1
    b = sum((x - m2) ** 2 for x in without_values) / (n2 - 1) / n2
    se2 = a + b
    if se2 == 0:
        return Interval(difference, difference, difference, n1 + n2 - 2)
    df = se2 ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1))
    half = t_quantile(1 - (1 - level) / 2, df) * math.sqrt(se2)
    return Interval(difference, difference - half, difference + half, df)


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean of `values` and its t-interval (mean ± t(1 - α/2, n - 1) · s / √n); needs two values or more."""
    n = len(values)
    if n < 2:
        raise ValueError("a t-interval needs at least two values")
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float, float]:
    """The share successes/n and its Wilson score interval (Wilson 1927), which stays within 0–1 and behaves
    at small counts and shares near 0 or 1."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)  # exact at the edges, not 0.9999999999999999
    return p, low, high
