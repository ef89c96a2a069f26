"""A processor that does not answer in time: the caller hears the operation is pending, the
idempotency key stays in flight, and the recovery job settles it from the processor's records —
or voids it when the processor never received it."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tender.clock import ShiftedClock
from tender.config import Settings
from tender.processor.simulator import SandboxProcessor, parse_hang
from tender.service.context import Context
from tender.service.recovery import recover
from tender.storage.tables import captures, payment_attempts, refunds, reversals
from tests.conftest import Api, assert_problem
from tests.doubles import HeldProcessor
from tests.payhelp import FUTURE

CARD = {"cardNumber": "4242424242424242", "expiryDate": FUTURE, "cV2": "123"}


@pytest.fixture
def processor() -> HeldProcessor:
    return HeldProcessor()  # decides and journals, then never answers unless the gate opens


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"processor_timeout_seconds": 0.3})


async def pending_rows(ctx: Context) -> int:
    total = 0
    async with ctx.db.transaction(write=False) as conn:
        for table in (captures, refunds, reversals):
            query = select(func.count()).where(table.c.status == "Pending")
            total += (await conn.execute(query.select_from(table))).scalar_one()
        query = select(func.count()).where(payment_attempts.c.state == "pending")
        total += (await conn.execute(query.select_from(payment_attempts))).scalar_one()
    return total


async def settle_pending(ctx: Context, clock: ShiftedClock) -> int:
    clock.advance(timedelta(seconds=10))  # older than any live request could be waiting
    return await recover(ctx)


async def authorized(api: Api, processor: HeldProcessor) -> dict[str, Any]:
    processor.gate.set()
    intent = await api.create(captureMode="Manual")
    paid = await api.client.post(f"/api/payments/{intent['clientSessionSecret']}", json=CARD)
    assert paid.json()["statusCode"] == 0
    processor.gate.clear()
    return intent


async def test_a_capture_without_an_answer_is_pending_then_recovered(
    api: Api, ctx: Context, clock: ShiftedClock, processor: HeldProcessor
) -> None:
    intent = await authorized(api, processor)
    path = f"/payment-intents/{intent['id']}/captures"
    headers = {"idempotencyKey": "cap-1"}
    problem = assert_problem(
        await api.request("POST", path, json={"amount": 700}, headers=headers), 504
    )
    assert problem["captureStatus"] == "Pending" and "settled shortly" in problem["detail"]
    retry = await api.request("POST", path, json={"amount": 700}, headers=headers)
    assert "still being processed" in assert_problem(retry, 409)["title"]
    assert (await api.get(intent["id"])).json()["status"] == "Authorized"

    assert await recover(ctx) == 0  # too young: a live request may still be waiting for it
    assert await settle_pending(ctx, clock) == 1
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["capturedAmount"]) == ("Captured", 700)
    replay = await api.request("POST", path, json={"amount": 700}, headers=headers)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["captureId"] == problem["captureId"]
    assert await pending_rows(ctx) == 0
    assert await settle_pending(ctx, clock) == 0  # settled once


async def test_a_payment_without_an_answer_is_recovered_then_captured(
    api: Api, ctx: Context, clock: ShiftedClock, processor: HeldProcessor
) -> None:
    """Auto capture mode: the authorization, then its capture, each recovered in turn."""
    intent = await api.create()
    token = intent["clientSessionSecret"]
    answer = (await api.client.post(f"/api/payments/{token}", json=CARD)).json()
    assert answer["statusCode"] == 30 and "not answered yet" in answer["message"]
    again = (await api.client.post(f"/api/payments/{token}", json=CARD)).json()
    assert again["statusCode"] == 20
    assert (await api.get(intent["id"])).json()["status"] == "Created"

    assert await settle_pending(ctx, clock) == 1  # the authorization; its capture times out
    assert (await api.get(intent["id"])).json()["status"] == "Created"
    assert await settle_pending(ctx, clock) == 1  # the capture
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["capturedAmount"]) == ("Captured", 1000)
    assert (await api.client.post(f"/api/payments/{token}", json=CARD)).json()["statusCode"] == 20
    assert await pending_rows(ctx) == 0


async def test_a_refund_the_processor_never_received_is_voided(
    api: Api, ctx: Context, clock: ShiftedClock
) -> None:
    processor = SandboxProcessor(hang=parse_hang("refund:before"))
    ctx.processor = processor
    intent = await api.create()
    await api.client.post(f"/api/payments/{intent['clientSessionSecret']}", json=CARD)
    path = f"/payment-intents/{intent['id']}/refunds"
    headers = {"idempotencyKey": "ref-1"}
    pending = await api.request("POST", path, json={"amount": 200}, headers=headers)
    assert assert_problem(pending, 504)["refundStatus"] == "Pending"

    assert await settle_pending(ctx, clock) == 1
    replay = await api.request("POST", path, json={"amount": 200}, headers=headers)
    problem = assert_problem(replay, 502)
    assert problem["refundStatus"] == "Failed" and "no money moved" in problem["detail"]
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["refundedAmount"]) == ("Captured", 0)
    assert fetched["paymentEvents"][-1]["eventType"] == "Error"
    assert await pending_rows(ctx) == 0


async def test_an_authorization_the_processor_never_received_is_voided(
    api: Api, ctx: Context, clock: ShiftedClock
) -> None:
    ctx.processor = SandboxProcessor(hang=parse_hang("authorize:before"))
    intent = await api.create(captureMode="Manual")
    token = intent["clientSessionSecret"]
    assert (await api.client.post(f"/api/payments/{token}", json=CARD)).json()["statusCode"] == 30
    assert await settle_pending(ctx, clock) == 1
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["authorizedAmount"]) == ("Created", 0)
    assert fetched["paymentEvents"][-1]["eventType"] == "Error"
    assert fetched["clientSessionSecret"] == ""  # the token was spent; refresh to retry
    assert await pending_rows(ctx) == 0
