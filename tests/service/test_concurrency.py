"""Money invariants under concurrency, checked from the database rows (SQLite and PostgreSQL).

Requests go through the in-process app with asyncio.gather: captures never exceed the
authorization, refunds never exceed the captures, and no request is applied twice.
"""

import asyncio
from typing import Any

from sqlalchemy import func, select

from tender.service.context import Context
from tender.storage.tables import captures, payment_attempts, refunds, reversals
from tests.conftest import Api
from tests.payhelp import paid_intent, pay


async def total(ctx: Context, table: Any, intent_id: str, *, status: str | None = None) -> int:
    query = select(func.coalesce(func.sum(table.c.amount), 0), func.count()).where(
        table.c.intent_id == intent_id
    )
    if status:
        query = query.where(table.c.status == status)
    async with ctx.db.transaction(write=False) as conn:
        amount, _ = (await conn.execute(query)).one()
    return int(amount)


async def count(ctx: Context, table: Any, intent_id: str) -> int:
    async with ctx.db.transaction(write=False) as conn:
        query = select(func.count()).where(table.c.intent_id == intent_id)
        return int((await conn.execute(query)).scalar_one())


async def test_concurrent_captures_never_exceed_the_authorization(api: Api, ctx: Context) -> None:
    intent = await paid_intent(api, amount=1000)
    path = f"/payment-intents/{intent['id']}/captures"
    calls = [
        api.request("POST", path, json={"amount": 150}, headers={"idempotencyKey": f"c{i}"})
        for i in range(12)
    ]
    calls += [  # one request retried five times
        api.request("POST", path, json={"amount": 100}, headers={"idempotencyKey": "retry"})
        for _ in range(5)
    ]
    amounts = [150] * 12 + [100] * 5
    answers = await asyncio.gather(*calls)
    assert {r.status_code for r in answers} <= {200, 400, 409}
    applied = {
        r.json()["captureId"]: amount
        for r, amount in zip(answers, amounts, strict=True)
        if r.status_code == 200
    }
    captured = await total(ctx, captures, intent["id"], status="Successful")
    assert captured <= 1000
    assert captured == sum(applied.values()) >= 900  # stops only when no 150 fits any more
    assert await count(ctx, captures, intent["id"]) == len(applied)  # retries applied once
    fetched = (await api.get(intent["id"])).json()
    assert fetched["capturedAmount"] == captured


async def test_concurrent_refunds_never_exceed_the_captures(api: Api, ctx: Context) -> None:
    intent = await api.create(amount={"value": 1000, "currencyCode": "GBP"})
    await pay(api.client, intent["clientSessionSecret"])
    path = f"/payment-intents/{intent['id']}/refunds"
    calls = [
        api.request("POST", path, json={"amount": 70}, headers={"idempotencyKey": f"r{i}"})
        for i in range(20)
    ]
    calls += [
        api.request("POST", path, json={"amount": 70}, headers={"idempotencyKey": "r0"})
        for _ in range(4)
    ]
    answers = await asyncio.gather(*calls)
    assert {r.status_code for r in answers} <= {200, 400, 409}
    refunded = await total(ctx, refunds, intent["id"])
    assert refunded == 70 * 14  # 14 fit into 1000; each key once
    assert len({r.json()["refundId"] for r in answers if r.status_code == 200}) == 14
    assert (await api.get(intent["id"])).json()["refundedAmount"] == refunded


async def test_captures_reversals_and_cancels_race(api: Api, ctx: Context) -> None:
    intent = await paid_intent(api, amount=900)
    base = f"/payment-intents/{intent['id']}"
    calls = []
    for i in range(6):
        calls.append(api.request("POST", f"{base}/captures", json={"amount": 200}))
        calls.append(api.request("POST", f"{base}/reversal", headers={"idempotencyKey": f"v{i}"}))
        calls.append(api.request("DELETE", base))
    answers = await asyncio.gather(*calls)
    assert all(r.status_code in (200, 400, 409) for r in answers), [r.text for r in answers]
    captured = await total(ctx, captures, intent["id"], status="Successful")
    reversed_ = await count(ctx, reversals, intent["id"])
    assert captured <= 900
    assert reversed_ <= 1
    assert not (reversed_ and captured)  # a reversal and a capture exclude each other
    status = (await api.get(intent["id"])).json()["status"]
    assert status == ("Reversed" if reversed_ else "Captured")


async def test_one_token_pays_once(api: Api, ctx: Context) -> None:
    intent = await api.create()
    token = intent["clientSessionSecret"]
    answers = await asyncio.gather(*(pay(api.client, token) for _ in range(8)))
    codes = sorted(a["statusCode"] for a in answers)
    assert codes == [0] + [20] * 7
    async with ctx.db.transaction(write=False) as conn:
        won = await conn.execute(
            select(func.count()).where(
                payment_attempts.c.intent_id == intent["id"],
                payment_attempts.c.state == "succeeded",
            )
        )
        assert won.scalar_one() == 1
    assert await total(ctx, captures, intent["id"]) == 1000
