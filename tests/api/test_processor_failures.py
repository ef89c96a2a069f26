"""A processor that fails every capture, refund and reversal (``DecliningProcessor``): each is on
record as Failed (502) or Declined (402), the intent keeps its status and amounts, and an Auto
capture mode payment whose capture fails is not a payment: the attempt fails, its authorization
is released, and the intent can be paid again."""

import pytest

from tender.processor.protocol import Outcome
from tests.conftest import Api, assert_problem
from tests.doubles import DecliningProcessor
from tests.payhelp import paid_intent, pay


@pytest.fixture(params=[Outcome.ERROR, Outcome.DECLINED], ids=["failed", "declined"])
def processor(request: pytest.FixtureRequest) -> DecliningProcessor:
    return DecliningProcessor(request.param)


def expected(processor: DecliningProcessor) -> tuple[int, str]:
    return (502, "Failed") if processor.outcome is Outcome.ERROR else (402, "Declined")


async def test_captures_refunds_and_reversals_that_fail_change_nothing(
    api: Api, processor: DecliningProcessor
) -> None:
    code, status = expected(processor)
    intent = await paid_intent(api)
    path = f"/payment-intents/{intent['id']}"
    capture = assert_problem(
        await api.request("POST", f"{path}/captures", json={"amount": 500}), code
    )
    assert (capture["captureStatus"], capture["captureId"][:3]) == (status, "cp_")
    reversal = assert_problem(await api.request("POST", f"{path}/reversal"), code)
    assert reversal["reversalStatus"] == status
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["authorizedAmount"], fetched["capturedAmount"]) == (
        "Authorized",
        1000,
        0,
    )
    assert [c["status"] for c in fetched["captures"]] == [status]
    event = "Error" if status == "Failed" else "Declined"
    assert [e["eventType"] for e in fetched["paymentEvents"][-2:]] == [event, event]
    assert processor.calls == ["Capture", "Reversal"]


async def test_an_auto_payment_whose_capture_fails_is_released_and_payable_again(
    api: Api, processor: DecliningProcessor
) -> None:
    _, status = expected(processor)
    intent = await api.create()  # Auto capture mode
    result = await pay(api.client, intent["clientSessionSecret"])
    assert result["statusCode"] == (5 if status == "Declined" else 30)
    assert result["message"].startswith("The capture failed")
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["authorizedAmount"], fetched["capturedAmount"]) == (
        "Created",
        0,
        0,
    )
    assert processor.calls == ["Capture", "Reversal"]  # the authorization is released
    assert fetched["clientSessionSecret"] == ""
    refreshed = await api.request(
        "POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret"
    )
    assert refreshed.status_code == 200  # still payable


async def test_a_refund_that_fails_is_recorded_with_its_reason(
    api: Api, processor: DecliningProcessor
) -> None:
    code, status = expected(processor)
    processor.refusing = False
    intent = await paid_intent(api)
    path = f"/payment-intents/{intent['id']}"
    assert (await api.request("POST", f"{path}/captures", json={"amount": 1000})).status_code == 200
    processor.refusing = True
    problem = assert_problem(
        await api.request(
            "POST",
            f"{path}/refunds",
            json={"amount": 400, "refundReason": "broken cup"},
            headers={"idempotencyKey": "r"},
        ),
        code,
    )
    refund = (await api.request("GET", f"/payment-intents/refunds/{problem['refundId']}")).json()
    assert (refund["status"], refund["refundReason"], refund["amount"]) == (
        status,
        "broken cup",
        400,
    )
    fetched = (await api.get(intent["id"])).json()
    assert (fetched["status"], fetched["refundedAmount"]) == ("Captured", 0)
