"""The benchmark's arithmetic (its figures go into the README, so they must be right)."""

import math

from bench.common import percentile


def test_nearest_rank_percentiles() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 50) == 2
    assert percentile([7.0], 99) == 7
    assert math.isnan(percentile([], 50))
