"""Expiry driven by the clock: unpaid intents cancel, Manual authorizations release or capture."""

import asyncio
from datetime import timedelta
from typing import Any

from tender.service.context import Context
from tender.service.expiry import expire_due
from tender.service.jobs import background_jobs
from tests.conftest import Api
from tests.payhelp import paid_intent, pay


async def status(api: Api, intent_id: str) -> dict[str, Any]:
    return (await api.get(intent_id, returnCanceled="true")).json()


async def test_unpaid_intent_is_canceled_at_expire_at(api: Api, ctx: Context, clock: Any) -> None:
    intent = await api.create()
    paid = await api.create()
    await pay(api.client, paid["clientSessionSecret"])
    clock.advance(timedelta(days=29))
    assert await expire_due(ctx) == 0
    clock.advance(timedelta(days=1, seconds=1))
    assert await expire_due(ctx) == 1
    fetched = await status(api, intent["id"])
    assert fetched["status"] == "Canceled"
    assert fetched["clientSessionSecret"] == ""
    assert (await status(api, paid["id"]))["status"] == "Captured"
    assert await expire_due(ctx) == 0  # never twice


async def test_manual_authorization_is_reversed_after_seven_days(
    api: Api, ctx: Context, clock: Any
) -> None:
    intent = await paid_intent(api)
    clock.advance(timedelta(days=6, hours=23))
    assert await expire_due(ctx) == 0
    clock.advance(timedelta(hours=2))
    assert await expire_due(ctx) == 1
    fetched = await status(api, intent["id"])
    assert fetched["status"] == "Reversed"
    assert fetched["paymentEvents"][-1]["eventType"] == "Reversed"


async def test_auto_expire_release(api: Api, ctx: Context, clock: Any) -> None:
    intent = await paid_intent(api, autoExpireIn="01:00:00", autoExpireAction="Release")
    clock.advance(timedelta(minutes=59))
    assert await expire_due(ctx) == 0
    clock.advance(timedelta(minutes=2))
    assert await expire_due(ctx) == 1
    assert (await status(api, intent["id"]))["status"] == "Reversed"


async def test_auto_expire_capture(api: Api, ctx: Context, clock: Any) -> None:
    intent = await paid_intent(api, autoExpireIn="02:00:00", autoExpireAction="Capture")
    clock.advance(timedelta(hours=2, seconds=1))
    assert await expire_due(ctx) == 1
    fetched = await status(api, intent["id"])
    assert fetched["status"] == "Captured" and fetched["capturedAmount"] == 1000


async def test_the_horizon_counts_from_the_authorization(
    api: Api, ctx: Context, clock: Any
) -> None:
    intent = await api.create(
        captureMode="Manual", autoExpireIn="01:00:00", autoExpireAction="Capture"
    )
    clock.advance(timedelta(minutes=25))
    assert (await pay(api.client, intent["clientSessionSecret"]))["statusCode"] == 0
    clock.advance(timedelta(minutes=50))  # 75 minutes after creation, 50 after authorization
    assert await expire_due(ctx) == 0
    clock.advance(timedelta(minutes=11))
    assert await expire_due(ctx) == 1


async def test_partly_captured_intent_is_left_alone(api: Api, ctx: Context, clock: Any) -> None:
    intent = await paid_intent(api)
    await api.request("POST", f"/payment-intents/{intent['id']}/captures", json={"amount": 400})
    clock.advance(timedelta(days=8))
    assert await expire_due(ctx) == 0
    assert (await status(api, intent["id"]))["capturedAmount"] == 400


async def test_declined_automatic_capture_releases(api: Api, ctx: Context, clock: Any) -> None:
    intent = await paid_intent(
        api, "4000000000000341", autoExpireIn="01:00:00", autoExpireAction="Capture"
    )
    clock.advance(timedelta(hours=2))
    assert await expire_due(ctx) == 1
    fetched = await status(api, intent["id"])
    assert fetched["status"] == "Reversed"
    assert fetched["captures"][0]["status"] == "Declined"


async def test_concurrent_sweeps_apply_each_expiry_once(api: Api, ctx: Context, clock: Any) -> None:
    ids = [(await api.create())["id"] for _ in range(6)]
    ids += [(await paid_intent(api))["id"] for _ in range(4)]
    clock.advance(timedelta(days=31))
    done = await asyncio.gather(*(expire_due(ctx) for _ in range(4)))
    assert sum(done) == 10
    for intent_id in ids:
        fetched = await status(api, intent_id)
        changes = [
            e for e in fetched["paymentEvents"] if e["eventType"] in ("Canceled", "Reversed")
        ]
        assert len(changes) == 1


def test_the_scheduler_is_registered() -> None:
    assert "expiry" in dict(background_jobs())
