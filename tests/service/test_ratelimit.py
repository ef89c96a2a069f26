"""The rate limiter's counter stores (the database, and Redis): exact under concurrent hits,
windows that end, counters that can be cleared, and settings checked when read."""

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond

from tender.config import Settings
from tender.service.context import Context
from tender.service.ratelimit import RateLimiter, Rules

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["database", "redis"])
async def limiter(request: pytest.FixtureRequest, ctx: Context) -> AsyncIterator[RateLimiter]:
    if request.param == "database":
        limiter = RateLimiter(ctx.settings, ctx.db)
        yield limiter
        return
    prefix = f"tender-test-{secrets.token_hex(4)}"
    settings = ctx.settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    limiter = RateLimiter(settings, ctx.db)
    try:
        yield limiter
    finally:
        await limiter.aclose()
        client = aioredis.Redis.from_url(REDIS_URL)
        async for key in client.scan_iter(f"{prefix}*"):
            await client.delete(key)
        await client.aclose()


async def test_concurrent_hits_are_counted_exactly(limiter: RateLimiter) -> None:
    rule = RateLimitItemPerMinute(10)
    results = await asyncio.gather(*(limiter.hit(rule, "burst") for _ in range(25)))
    assert results.count(True) == 10 and results.count(False) == 15
    assert not await limiter.allowed(rule, "burst")
    assert await limiter.allowed(rule, "someone else")
    assert 1 <= await limiter.retry_after(rule, "burst") <= 60


async def test_a_window_ends_and_counting_starts_again(limiter: RateLimiter) -> None:
    rule = RateLimitItemPerSecond(2)
    assert [await limiter.hit(rule, "w") for _ in range(3)] == [True, True, False]
    await asyncio.sleep(1.1)
    assert await limiter.hit(rule, "w")


async def test_clearing_a_counter_lifts_its_limit(limiter: RateLimiter) -> None:
    rule = RateLimitItemPerMinute(1)
    assert await limiter.hit(rule, "c") and not await limiter.allowed(rule, "c")
    await limiter.clear(rule, "c")
    assert await limiter.allowed(rule, "c")


async def test_ended_database_counters_are_purged(ctx: Context) -> None:
    limiter = RateLimiter(ctx.settings, ctx.db)
    await limiter.hit(RateLimitItemPerSecond(5), "short")
    await limiter.hit(RateLimitItemPerMinute(1), "long")
    await asyncio.sleep(1.1)
    assert await limiter.purge() == 1  # the ended one only
    assert not await limiter.allowed(RateLimitItemPerMinute(1), "long")


def test_a_malformed_limit_setting_names_its_variable() -> None:
    with pytest.raises(ValueError, match="TENDER_LIMIT_DECLINES_PER_IP='lots'"):
        Rules.of(Settings(limit_declines_per_ip="lots"))
    rules = Rules.of(Settings())
    assert (rules.declines_per_intent.amount, rules.declines_per_intent.GRANULARITY.name) == (
        5,
        "hour",
    )
