"""The housekeeping job: forget idempotency keys past their TTL and rate-limit counters whose
window has ended, so neither table grows without bound."""

import asyncio
import logging

from tender.service import idempotency
from tender.service.context import Context

log = logging.getLogger("tender.housekeeping")
INTERVAL_SECONDS = 600.0


async def sweep(ctx: Context) -> tuple[int, int]:
    """One round: (idempotency keys purged, rate-limit counters purged)."""
    keys = await idempotency.purge_expired(ctx)
    counters = await ctx.limiter.purge()
    if keys or counters:
        log.info("purged %d idempotency key(s) and %d rate-limit counter(s)", keys, counters)
    return keys, counters


async def housekeeping_job(ctx: Context, *, interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await sweep(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("housekeeping round failed; retrying")
        await asyncio.sleep(interval)
