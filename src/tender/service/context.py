"""What every use case needs: the database, the settings, the clock, the card processor and the
rate limiter (built on first use, over the same database or Redis)."""

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Generic, TypeVar

from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.processor.journal import open_journal
from tender.processor.protocol import Processor
from tender.processor.simulator import SandboxProcessor, parse_hang
from tender.service.ratelimit import RateLimiter
from tender.storage.db import Database
from tender.storage.records import Account


def sandbox_processor(settings: Settings) -> SandboxProcessor:
    """The bundled sandbox acquirer, configured by ``TENDER_SANDBOX_*``."""
    return SandboxProcessor(
        journal=open_journal(settings.sandbox_journal),
        latency_seconds=settings.sandbox_latency_ms / 1000,
        hang=parse_hang(settings.sandbox_hang),
    )


V = TypeVar("V")
FINGERPRINT_MEMORY_SECONDS = 600.0


class TTLCache(Generic[V]):
    """A few seconds of memory for what every request reads and almost nothing writes (keys,
    accounts); ``seconds`` 0 remembers nothing."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: dict[str, tuple[float, V]] = {}

    def get(self, key: str) -> V | None:
        found = self._items.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, value: V) -> None:
        if self.seconds > 0:
            if len(self._items) > 10_000:  # bounded: forget everything rather than grow
                self._items.clear()
            self._items[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        self._items.clear()


@dataclass(slots=True)
class KeyUse:
    """What a process remembers of a live key: its account, and when its use was last
    recorded (``api_keys.last_used_at``, written at most once a minute)."""

    account: Account
    key_id: str
    last_used_at: datetime | None


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock = field(default=system_clock)
    processor: Processor = field(default_factory=SandboxProcessor)
    # key hash -> the key's use, and account id -> account (service.accounts fills them)
    keys: TTLCache[KeyUse] = field(init=False)
    accounts: TTLCache[Account] = field(init=False)
    # HMAC(pepper, card number) -> the card's slow fingerprint (service.installation)
    fingerprints: TTLCache[str] = field(init=False)
    fingerprint_pepper: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.keys = TTLCache(self.settings.key_cache_seconds)
        self.accounts = TTLCache(self.settings.key_cache_seconds)
        self.fingerprints = TTLCache(FINGERPRINT_MEMORY_SECONDS)
        self.fingerprint_pepper = secrets.token_bytes(32)

    @cached_property
    def limiter(self) -> RateLimiter:
        return RateLimiter(self.settings, self.db)
