"""The benchmark's arithmetic (its figures go into the README, so they must be right)."""

import math

from bench.common import Level, markdown, percentile


def test_nearest_rank_percentiles() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 50) == 2
    assert percentile([7.0], 99) == 7
    assert math.isnan(percentile([], 50))


def test_level_summary_and_table() -> None:
    level = Level(concurrency=8, seconds=2.0)
    level.latencies["create"] = [0.010, 0.020, 0.030, 0.040]
    level.errors["create"] = 1
    summary = level.summary()["create"]
    assert summary == {
        "requests": 4, "errors": 1, "rps": 2.0, "p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 40.0,
    }  # fmt: skip
    table = markdown("T", {"sqlite": [level]}, "make bench")
    assert "| sqlite | 8 | create | 2.0 | 20.0 | 40.0 | 40.0 | 1 |" in table
    assert "`make bench`" in table
