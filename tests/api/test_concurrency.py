"""Many concurrent requests on one intent: exactly one effect, or every effect serialized with
no lost update (row locks on PostgreSQL, BEGIN IMMEDIATE on SQLite). Runs on both databases."""

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from tender.service.context import Context
from tender.storage import intents as intents_repo
from tender.storage.tables import outbox_events, payment_events
from tests.conftest import Api

N = 50


async def row_of(ctx: Context, intent_id: str) -> Any:
    async with ctx.db.transaction(write=False) as conn:
        return await intents_repo.get_intent_any_account(conn, intent_id)


async def rows_where(ctx: Context, *conditions: Any, table: Any) -> int:
    async with ctx.db.transaction(write=False) as conn:
        query = select(func.count()).select_from(table).where(*conditions)
        return (await conn.execute(query)).scalar_one()


async def test_fifty_concurrent_cancels_cancel_once(api: Api, ctx: Context) -> None:
    intent = await api.create()
    path = f"/payment-intents/{intent['id']}"
    responses = await asyncio.gather(*(api.request("DELETE", path) for _ in range(N)))
    assert Counter(r.status_code for r in responses) == {200: 1, 409: N - 1}
    for response in responses:
        if response.status_code == 409:
            assert response.json()["currentStatus"] == "Canceled"
    events = await rows_where(ctx, payment_events.c.intent_id == intent["id"], table=payment_events)
    assert events == 1
    updates = await rows_where(
        ctx,
        outbox_events.c.intent_id == intent["id"],
        outbox_events.c.event == "payment_intent.status_updated",
        table=outbox_events,
    )
    assert updates == 1
    assert (await row_of(ctx, intent["id"])).version == 2


async def test_fifty_concurrent_amount_changes_with_one_key_change_it_once(
    api: Api, ctx: Context
) -> None:
    intent = await api.create(config={"payment": {"customAmountAllowed": True}})
    path = f"/payment-intents/{intent['id']}/amount"
    body = {"amount": {"value": 4242, "currencyCode": "GBP"}}
    responses = await asyncio.gather(
        *(api.request("POST", path, json=body, headers={"idempotencyKey": "one"}) for _ in range(N))
    )
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    originals = [
        r for r in responses if r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    ]
    assert len(originals) == 1
    for response in responses:
        if response.status_code == 200:
            assert response.json() == originals[0].json()
        else:
            assert "still being processed" in response.json()["title"]
    row = await row_of(ctx, intent["id"])
    assert (row.version, row.amount) == (2, 4242)


async def test_fifty_concurrent_amount_changes_with_distinct_keys_all_apply_in_turn(
    api: Api, ctx: Context
) -> None:
    intent = await api.create(config={"payment": {"customAmountAllowed": True}})
    path = f"/payment-intents/{intent['id']}/amount"
    responses = await asyncio.gather(
        *(
            api.request(
                "POST",
                path,
                json={"amount": {"value": 1000 + i, "currencyCode": "GBP"}},
                headers={"idempotencyKey": f"k{i}"},
            )
            for i in range(N)
        )
    )
    assert [r.status_code for r in responses] == [200] * N
    secrets = {r.json()["clientSessionSecret"] for r in responses}
    assert len(secrets) == N  # each change issued its own secret
    row = await row_of(ctx, intent["id"])
    assert row.version == 1 + N  # no lost update: every change saw the one before it
    # The stored state is the last change to commit; its answer matches it.
    last = [r.json() for r in responses if r.json()["clientSessionSecret"] == row.client_secret]
    assert len(last) == 1 and last[0]["amount"]["value"] == row.amount


async def test_concurrent_creates_with_one_key_create_one_intent(api: Api, ctx: Context) -> None:
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
    responses = await asyncio.gather(
        *(
            api.request("POST", "/payment-intents", json=body, headers={"idempotencyKey": "c"})
            for _ in range(20)
        )
    )
    assert {r.status_code for r in responses} <= {200, 409}
    ids = {r.json()["id"] for r in responses if r.status_code == 200}
    assert len(ids) == 1
    listed = await api.request("POST", "/payment-intents/search", json={})
    assert [i["id"] for i in listed.json()["data"]] == list(ids)


async def test_concurrent_failing_requests_with_one_key_never_answer_500(
    api: Api, ctx: Context
) -> None:
    """Each failure releases the key while others are claiming it: they must see a clean
    409 (in flight) or run and fail the same way themselves."""
    intent = await api.create()  # no customAmountAllowed: every amount change is a 405
    path = f"/payment-intents/{intent['id']}/amount"
    body = {"amount": {"value": 5, "currencyCode": "GBP"}}
    for _ in range(3):
        responses = await asyncio.gather(
            *(
                api.request("POST", path, json=body, headers={"idempotencyKey": "flaky"})
                for _ in range(N)
            )
        )
        assert {r.status_code for r in responses} <= {405, 409}, Counter(
            r.status_code for r in responses
        )
    assert (await row_of(ctx, intent["id"])).version == 1
