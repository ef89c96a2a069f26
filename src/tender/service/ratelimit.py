"""The rate limiter: the ``limits`` library's fixed-window algorithm over a counter store that
every API process of an installation shares: the database by default, or Redis when
``TENDER_REDIS_URL`` is set.

A fixed window counts hits until the window ends, then starts again; one atomic increment per
hit (an upsert in SQL, ``INCRBY`` in Redis) keeps concurrent processes exact. Its known weakness,
up to twice the limit across a window boundary, is acceptable for the limits Tender sets.

Writes here run in transactions of their own; callers must not hold a write transaction (SQLite
has one writer per process, and a counter must not roll back with a failed payment).
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, RateLimitItemPerHour, parse
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import SQLAlchemyError

from tender.config import Settings
from tender.storage import rate_limits as repo
from tender.storage.db import Database


def _now_ms() -> int:
    return int(time.time() * 1000)


class DatabaseStorage(Storage):
    """``limits`` storage on Tender's own database (table ``rate_limit_counters``)."""

    STORAGE_SCHEME = None

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        async with self.db.transaction() as conn:
            return await repo.incr(conn, key, amount, _now_ms(), int(expiry * 1000))

    async def get(self, key: str) -> int:
        async with self.db.transaction(write=False) as conn:
            return (await repo.get(conn, key, _now_ms()))[0]

    async def get_many(self, keys: list[str]) -> dict[str, int]:
        async with self.db.transaction(write=False) as conn:
            return await repo.get_many(conn, keys, _now_ms())

    async def get_expiry(self, key: str) -> float:
        async with self.db.transaction(write=False) as conn:
            _, ends = await repo.get(conn, key, _now_ms())
        return (ends / 1000) if ends is not None else time.time()

    async def check(self) -> bool:
        return await self.db.ping()

    async def reset(self) -> int | None:
        async with self.db.transaction() as conn:
            return await repo.clear_all(conn)

    async def clear(self, key: str) -> None:
        async with self.db.transaction() as conn:
            await repo.clear(conn, key)

    async def purge(self) -> int:
        """Delete counters whose window has ended (the housekeeping job calls this)."""
        async with self.db.transaction() as conn:
            return await repo.purge_ended(conn, _now_ms())


def make_storage(settings: Settings, db: Database) -> Storage:
    if settings.redis_url:
        url = settings.redis_url
        return RedisStorage(
            url if url.startswith("async+") else "async+" + url,
            implementation="redispy",
            key_prefix=settings.redis_prefix,
        )
    return DatabaseStorage(db)


@dataclass(frozen=True, slots=True)
class Rules:
    auth_failures_per_ip: RateLimitItem
    public_refresh_per_intent: RateLimitItem
    public_refresh_per_ip: RateLimitItem
    declines_per_intent: RateLimitItem
    declines_per_account: RateLimitItem
    declines_per_ip: RateLimitItem
    card_lock: RateLimitItem
    demo_orders_per_ip: RateLimitItem

    @classmethod
    def of(cls, settings: Settings) -> "Rules":
        """The configured rules; a malformed setting raises ValueError naming it."""
        names = [f for f in cls.__dataclass_fields__ if f != "card_lock"]
        parsed: dict[str, RateLimitItem] = {}
        for name in names:
            text = getattr(settings, f"limit_{name}")
            try:
                parsed[name] = parse(text)
            except ValueError:
                raise ValueError(
                    f"TENDER_LIMIT_{name.upper()}={text!r} is not a rate limit such as '5/hour'"
                ) from None
        return cls(card_lock=RateLimitItemPerHour(1, settings.card_lock_hours), **parsed)


class RateLimiter:
    """The configured rules and operations over one store: ``hit`` counts, ``allowed`` only
    looks."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.rules = Rules.of(settings)
        self.storage = make_storage(settings, db)
        self.strategy = FixedWindowRateLimiter(self.storage)

    async def hit(self, rule: RateLimitItem, *ids: str) -> bool:
        """Count one hit; False when it went over the limit."""
        return await self.strategy.hit(rule, *ids)

    async def allowed(self, rule: RateLimitItem, *ids: str) -> bool:
        """Whether one more hit would stay within the limit (counts nothing)."""
        return await self.strategy.test(rule, *ids)

    async def first_refused(self, checks: Sequence[tuple[RateLimitItem, tuple[str, ...]]]) -> int:
        """The index of the first check with no hit left (counting nothing), or -1. On the
        database the counters are read in one statement."""
        if isinstance(self.storage, DatabaseStorage):
            keys = [rule.key_for(*ids) for rule, ids in checks]
            counts = await self.storage.get_many(keys)
            for n, ((rule, _), key) in enumerate(zip(checks, keys, strict=True)):
                if counts.get(key, 0) >= rule.amount:
                    return n
            return -1
        for n, (rule, ids) in enumerate(checks):
            if not await self.strategy.test(rule, *ids):
                return n
        return -1

    async def retry_after(self, rule: RateLimitItem, *ids: str) -> int:
        """Whole seconds until the window ends (at least 1)."""
        stats = await self.strategy.get_window_stats(rule, *ids)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def clear(self, rule: RateLimitItem, *ids: str) -> None:
        await self.strategy.clear(rule, *ids)

    async def purge(self) -> int:
        return await self.storage.purge() if isinstance(self.storage, DatabaseStorage) else 0

    async def aclose(self) -> None:
        bridge: Any = getattr(self.storage, "bridge", None)
        client: Any = getattr(bridge, "storage", None) if bridge is not None else None
        if client is not None and hasattr(client, "aclose"):
            await client.aclose()
