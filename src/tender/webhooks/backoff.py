"""When to retry a failed delivery: exponential backoff with jitter, capped.

With the defaults (base 3 minutes, doubling, ±20 % jitter, cap 8 hours, 10 attempts) the nine
waits add up to about a day, so a receiver that is down overnight still gets its events.
"""

import random
from datetime import timedelta

JITTER = 0.2


def delay(
    failures: int,
    *,
    base_seconds: float,
    max_seconds: float,
    rng: random.Random | None = None,
) -> timedelta:
    """The wait after the ``failures``-th failed attempt (1 = the first failure)."""
    if failures < 1:
        raise ValueError("failures counts from 1")
    raw = min(base_seconds * 2 ** (failures - 1), max_seconds)
    factor = 1 + JITTER * (2 * (rng or random).random() - 1)
    return timedelta(seconds=raw * factor)
