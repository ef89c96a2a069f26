"""What every use case needs: the database, the settings, the clock and the card processor."""

from dataclasses import dataclass, field

from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.processor.protocol import Processor
from tender.processor.simulator import SandboxProcessor
from tender.storage.db import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock = field(default=system_clock)
    processor: Processor = field(default_factory=SandboxProcessor)
