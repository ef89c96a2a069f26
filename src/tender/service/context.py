"""What every use case needs: the database, the settings and the clock."""

from dataclasses import dataclass, field

from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.storage.db import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock = field(default=system_clock)
