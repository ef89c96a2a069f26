"""What every use case needs: the database, the settings, the clock and the card processor."""

from dataclasses import dataclass, field

from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.processor.journal import open_journal
from tender.processor.protocol import Processor
from tender.processor.simulator import SandboxProcessor, parse_hang
from tender.storage.db import Database


def sandbox_processor(settings: Settings) -> SandboxProcessor:
    """The bundled sandbox acquirer, configured by ``TENDER_SANDBOX_*``."""
    return SandboxProcessor(
        journal=open_journal(settings.sandbox_journal),
        latency_seconds=settings.sandbox_latency_ms / 1000,
        hang=parse_hang(settings.sandbox_hang),
    )


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock = field(default=system_clock)
    processor: Processor = field(default_factory=SandboxProcessor)
