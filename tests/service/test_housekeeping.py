"""The housekeeping job forgets idempotency keys once their TTL has passed."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from tender.service import housekeeping
from tender.service.context import Context
from tender.service.jobs import background_jobs
from tender.storage.tables import idempotency_keys
from tests.conftest import Api

SEED = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 1"}


async def stored_keys(ctx: Context) -> list[str]:
    async with ctx.db.transaction(write=False) as conn:
        return [r.key for r in await conn.execute(select(idempotency_keys.c.key))]


async def test_idempotency_keys_are_purged_after_their_ttl(
    api: Api, ctx: Context, clock: Any
) -> None:
    assert "housekeeping" in dict(background_jobs())
    await api.request("POST", "/payment-intents", json=SEED, headers={"idempotencyKey": "old"})
    clock.advance(timedelta(hours=23))
    await api.request("POST", "/payment-intents", json=SEED, headers={"idempotencyKey": "new"})
    assert await housekeeping.sweep(ctx) == (0, 0)
    clock.advance(timedelta(hours=1, minutes=1))
    keys, _ = await housekeeping.sweep(ctx)
    assert keys == 1 and await stored_keys(ctx) == ["new"]
    async with ctx.db.transaction(write=False) as conn:
        total = (await conn.execute(select(func.count()).select_from(idempotency_keys))).scalar()
    assert total == 1
