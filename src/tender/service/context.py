"""What every use case needs: the database, the settings, the clock, the card processor and the
rate limiter (built on first use, over the same database or Redis)."""

from dataclasses import dataclass, field
from functools import cached_property

from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.processor.protocol import Processor
from tender.processor.simulator import SandboxProcessor
from tender.service.ratelimit import RateLimiter
from tender.storage.db import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock = field(default=system_clock)
    processor: Processor = field(default_factory=SandboxProcessor)

    @cached_property
    def limiter(self) -> RateLimiter:
        return RateLimiter(self.settings, self.db)
