"""Captures, refunds and reversals through the HTTP API; amounts derived from the rows."""

from datetime import timedelta
from typing import Any

from tests.conftest import Api, assert_problem
from tests.payhelp import paid_intent, pay


async def capture(api: Api, intent_id: str, amount: int, **extra: Any) -> Any:
    return await api.request(
        "POST", f"/payment-intents/{intent_id}/captures", json={"amount": amount, **extra}
    )


async def reverse(api: Api, intent_id: str) -> Any:
    return await api.request("POST", f"/payment-intents/{intent_id}/reversal")


async def refund(api: Api, intent_id: str, amount: int, key: str, **extra: Any) -> Any:
    return await api.request(
        "POST",
        f"/payment-intents/{intent_id}/refunds",
        json={"amount": amount, **extra},
        headers={"idempotencyKey": key},
    )


async def test_full_capture(api: Api) -> None:
    intent = await paid_intent(api)
    response = await capture(api, intent["id"], 1000)
    assert response.status_code == 200, response.text
    assert response.json()["captureId"].startswith("cp_sandbox_")
    fetched = (await api.get(intent["id"])).json()
    assert fetched["status"] == "Captured" and fetched["capturedAmount"] == 1000
    assert fetched["captures"][0]["status"] == "Successful"
    assert fetched["paymentEvents"][-1]["eventType"] == "Captured"


async def test_partial_and_multiple_captures_stop_at_the_authorization(api: Api) -> None:
    intent = await paid_intent(api)
    assert (await capture(api, intent["id"], 300)).status_code == 200
    assert (await capture(api, intent["id"], 300, tipsAmount=100)).status_code == 200
    too_much = await capture(api, intent["id"], 301)
    assert "exceeds the capturable amount 300" in assert_problem(too_much, 400)["detail"]
    assert (await capture(api, intent["id"], 300)).status_code == 200
    full = await capture(api, intent["id"], 1)
    body = assert_problem(full, 409)
    assert body["currentStatus"] == "Captured"
    fetched = (await api.get(intent["id"])).json()
    assert fetched["capturedAmount"] == 1000
    assert [c["amount"] for c in fetched["captures"]] == [300, 300, 300]
    assert fetched["captures"][1]["tipsAmount"] == 100


async def test_capture_of_the_0341_card_is_declined(api: Api) -> None:
    intent = await paid_intent(api, "4000 0000 0000 0341")
    response = await capture(api, intent["id"], 1000)
    body = assert_problem(response, 402)
    assert body["captureStatus"] == "Declined" and body["captureId"].startswith("cp_")
    fetched = (await api.get(intent["id"])).json()
    assert fetched["status"] == "Authorized" and fetched["capturedAmount"] == 0
    assert fetched["captures"] == [
        {
            "id": body["captureId"],
            "amount": 1000,
            "tipsAmount": 0,
            "status": "Declined",
            "createdAt": fetched["captures"][0]["createdAt"],
        }
    ]
    # No money moved, so a reversal is still possible.
    assert (await reverse(api, intent["id"])).status_code == 200


async def test_capture_is_refused_on_created_and_auto_intents(api: Api) -> None:
    created = await api.create(captureMode="Manual")
    body = assert_problem(await capture(api, created["id"], 100), 409)
    assert body["currentStatus"] == "Created" and body["allowedStatuses"] == [
        "Authorized",
        "Captured",
    ]
    auto = await api.create()
    await pay(api.client, auto["clientSessionSecret"])
    body = assert_problem(await capture(api, auto["id"], 100), 409)
    assert "expected captureMode Manual" in body["detail"]


async def test_capture_is_idempotent(api: Api) -> None:
    intent = await paid_intent(api)
    headers = {"idempotencyKey": "cap-1"}
    first = await api.request(
        "POST", f"/payment-intents/{intent['id']}/captures", json={"amount": 400}, headers=headers
    )
    again = await api.request(
        "POST", f"/payment-intents/{intent['id']}/captures", json={"amount": 400}, headers=headers
    )
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert (await api.get(intent["id"])).json()["capturedAmount"] == 400


async def test_refunds_full_partial_multiple(api: Api) -> None:
    intent = await api.create(amount={"value": 1000, "currencyCode": "GBP"})
    await pay(api.client, intent["clientSessionSecret"])
    first = await refund(api, intent["id"], 250, "r1", refundReason="damaged", notes="box")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["refundId"].startswith("rfnd_sandbox_") and body["refundReason"] == "damaged"
    fetched = (await api.get(intent["id"])).json()
    assert fetched["status"] == "Refunded" and fetched["refundedAmount"] == 250
    over = await refund(api, intent["id"], 751, "r2")
    assert "exceeds the refundable amount 750" in assert_problem(over, 400)["detail"]
    assert (await refund(api, intent["id"], 750, "r3")).status_code == 200
    done = await refund(api, intent["id"], 1, "r4")
    assert assert_problem(done, 409)["currentStatus"] == "Refunded"
    got = await api.request("GET", f"/payment-intents/refunds/{body['refundId']}")
    assert got.status_code == 200
    assert got.json()["amount"] == 250 and got.json()["notes"] == "box"
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 1000


async def test_refund_requires_an_idempotency_key(api: Api) -> None:
    intent = await api.create()
    await pay(api.client, intent["clientSessionSecret"])
    response = await api.request(
        "POST", f"/payment-intents/{intent['id']}/refunds", json={"amount": 100}
    )
    assert "IdempotencyKey" in assert_problem(response, 400)["errors"]
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 0


async def test_refund_replay_and_mismatch(api: Api) -> None:
    intent = await api.create()
    await pay(api.client, intent["clientSessionSecret"])
    first = await refund(api, intent["id"], 100, "same")
    again = await refund(api, intent["id"], 100, "same")
    assert again.json() == first.json()
    assert_problem(await refund(api, intent["id"], 200, "same"), 422)
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 100


async def test_refund_before_capture_is_refused(api: Api) -> None:
    intent = await paid_intent(api)
    body = assert_problem(await refund(api, intent["id"], 100, "k"), 409)
    assert body["currentStatus"] == "Authorized"
    assert body["allowedStatuses"] == ["Captured", "Refunded"]


async def test_refunds_of_other_accounts_are_not_found(api: Api, other_api: Api) -> None:
    intent = await api.create()
    await pay(api.client, intent["clientSessionSecret"])
    refund_id = (await refund(api, intent["id"], 100, "x")).json()["refundId"]
    got = await other_api.request("GET", f"/payment-intents/refunds/{refund_id}")
    assert_problem(got, 404)
    assert_problem(await reverse(other_api, intent["id"]), 404)


async def test_manual_reversal_within_seven_days(api: Api, clock: Any) -> None:
    intent = await paid_intent(api)
    response = await reverse(api, intent["id"])
    assert response.status_code == 200, response.text
    assert response.json()["reversalId"].startswith("rvs_sandbox_")
    fetched = (await api.get(intent["id"])).json()
    assert fetched["status"] == "Reversed"
    assert_problem(await capture(api, intent["id"], 100), 409)


async def test_manual_reversal_after_capture_is_refused(api: Api) -> None:
    intent = await paid_intent(api)
    await capture(api, intent["id"], 1000)
    body = assert_problem(await reverse(api, intent["id"]), 409)
    assert "refund it instead" in body["detail"] and body["currentStatus"] == "Captured"


async def test_auto_reversal_only_on_the_day_of_capture(api: Api, clock: Any) -> None:
    today = await api.create()
    await pay(api.client, today["clientSessionSecret"])
    ok = await reverse(api, today["id"])
    assert ok.status_code == 200
    later = await api.create()
    await pay(api.client, later["clientSessionSecret"])
    clock.advance(timedelta(days=1))
    body = assert_problem(await reverse(api, later["id"]), 409)
    assert "UTC day" in body["detail"]


async def test_capture_after_the_window_is_refused(api: Api, clock: Any) -> None:
    intent = await paid_intent(api)
    clock.advance(timedelta(days=8))
    body = assert_problem(await capture(api, intent["id"], 100), 409)
    assert "7-day" in body["detail"]
