"""The processor is called outside every transaction and lock: calls overlap, reads and other
intents go on while one waits, and what waits reserves its amount. A processor that does not
answer in time leaves the attempt or movement pending, and says so."""

import asyncio
from typing import Any

import pytest

from tender.config import Settings
from tests.conftest import Api, assert_problem
from tests.doubles import HeldProcessor
from tests.payhelp import FUTURE, paid_intent

CARD = {"cardNumber": "4242424242424242", "expiryDate": FUTURE, "cV2": "123"}


@pytest.fixture
def processor() -> HeldProcessor:
    return HeldProcessor()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"processor_timeout_seconds": 20.0})


async def paid_with_gate_open(api: Api, held: HeldProcessor, **fields: Any) -> dict[str, Any]:
    held.gate.set()
    intent = await paid_intent(api, **fields)
    held.gate.clear()
    return intent


async def test_payments_on_many_intents_wait_for_the_processor_together(
    api: Api, processor: HeldProcessor
) -> None:
    intents = [await api.create(captureMode="Manual") for _ in range(6)]
    payments = [
        asyncio.create_task(api.client.post(f"/api/payments/{i['clientSessionSecret']}", json=CARD))
        for i in intents
    ]
    await processor.until_waiting(6)  # all six at the acquirer at once: no lock is held
    processor.gate.set()
    answers = await asyncio.gather(*payments)
    assert [a.json()["statusCode"] for a in answers] == [0] * 6
    for intent in intents:
        assert (await api.get(intent["id"])).json()["status"] == "Authorized"


async def test_captures_and_refunds_on_many_intents_overlap(
    api: Api, processor: HeldProcessor
) -> None:
    intents = [await paid_with_gate_open(api, processor) for _ in range(4)]
    captures = [
        asyncio.create_task(
            api.request("POST", f"/payment-intents/{i['id']}/captures", json={"amount": 1000})
        )
        for i in intents
    ]
    await processor.until_waiting(4)
    processor.gate.set()
    assert {r.status_code for r in await asyncio.gather(*captures)} == {200}
    processor.gate.clear()
    refunds = [
        asyncio.create_task(
            api.request(
                "POST",
                f"/payment-intents/{i['id']}/refunds",
                json={"amount": 100},
                headers={"idempotencyKey": "r"},
            )
        )
        for i in intents
    ]
    await processor.until_waiting(4)
    processor.gate.set()
    assert {r.status_code for r in await asyncio.gather(*refunds)} == {200}


async def test_a_capture_waiting_for_the_processor_reserves_and_blocks_what_contradicts_it(
    api: Api, processor: HeldProcessor
) -> None:
    intent = await paid_with_gate_open(api, processor)
    path = f"/payment-intents/{intent['id']}"
    first = asyncio.create_task(api.request("POST", f"{path}/captures", json={"amount": 600}))
    await processor.until_waiting(1)

    seen = (await api.get(intent["id"])).json()  # reads are never blocked
    assert seen["status"] == "Authorized" and seen["capturedAmount"] == 0
    assert [c["status"] for c in seen["captures"]] == ["Created"]  # Dojo's word for pending
    too_much = await api.request("POST", f"{path}/captures", json={"amount": 500})
    assert "capturable amount 400" in assert_problem(too_much, 400)["detail"]  # 600 reserved
    reversal = assert_problem(await api.request("POST", f"{path}/reversal"), 409)
    assert "capture is waiting for the acquirer" in reversal["detail"]
    second = asyncio.create_task(api.request("POST", f"{path}/captures", json={"amount": 400}))
    await processor.until_waiting(2)  # captures of one intent may wait together

    processor.gate.set()
    assert {(await first).status_code, (await second).status_code} == {200}
    final = (await api.get(intent["id"])).json()
    assert (final["status"], final["capturedAmount"]) == ("Captured", 1000)


async def test_an_attempt_waiting_for_the_processor_holds_the_token_and_the_intent(
    api: Api, processor: HeldProcessor
) -> None:
    intent = await api.create(captureMode="Manual")
    token = intent["clientSessionSecret"]
    first = asyncio.create_task(api.client.post(f"/api/payments/{token}", json=CARD))
    await processor.until_waiting(1)

    again = (await api.client.post(f"/api/payments/{token}", json=CARD)).json()
    assert again["statusCode"] == 20 and "being processed" in again["message"]
    canceled = assert_problem(await api.request("DELETE", f"/payment-intents/{intent['id']}"), 409)
    assert "payment attempt is waiting" in canceled["detail"]
    refreshed = await api.request(
        "POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret"
    )
    new_token = refreshed.json()["clientSessionSecret"]
    other = (await api.client.post(f"/api/payments/{new_token}", json=CARD)).json()
    assert other["statusCode"] == 20  # one attempt at the acquirer per intent

    processor.gate.set()
    assert (await first).json()["statusCode"] == 0
    assert (await api.get(intent["id"])).json()["status"] == "Authorized"
