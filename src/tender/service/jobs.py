"""Background jobs that ``tender serve`` runs in-process and ``tender worker`` runs alone.

Each job is an endless coroutine taking the context; it must survive database errors (log, back
off, go on) and stop promptly when cancelled.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from tender.service import dispatcher
from tender.service.context import Context
from tender.service.expiry import expiry_job
from tender.service.housekeeping import housekeeping_job
from tender.service.recovery import recovery_job

Job = Callable[[Context], Coroutine[Any, Any, None]]


def background_jobs() -> list[tuple[str, Job]]:
    """The (name, job) pairs to run: expiry, recovery of operations a crash or a timeout left
    pending, webhook delivery, and housekeeping (purging what has outlived its use)."""
    return [
        ("expiry", expiry_job),
        ("recovery", recovery_job),
        ("webhooks", dispatcher.run),
        ("housekeeping", housekeeping_job),
    ]
