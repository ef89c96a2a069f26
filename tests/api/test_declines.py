"""A processor's answer is never ignored: declined refunds (the 0358 card) and reversals (the
0366 card) are recorded, change nothing else, and answer a problem naming the movement; no
webhook reports what did not happen."""

from typing import Any

from sqlalchemy import select

from tender.service.context import Context
from tender.storage.tables import outbox_events
from tests.conftest import Api, assert_problem
from tests.payhelp import paid_intent, pay

REFUND_DECLINED = "4000 0000 0000 0358"
REVERSAL_DECLINED = "4000 0000 0000 0366"


async def events_of(ctx: Context, intent_id: str) -> list[str]:
    async with ctx.db.transaction(write=False) as conn:
        query = select(outbox_events.c.payload).where(outbox_events.c.intent_id == intent_id)
        rows = (await conn.execute(query.order_by(outbox_events.c.seq))).all()
    return [f"{row.payload['event']}:{row.payload['data']['paymentStatus']}" for row in rows]


async def refund(api: Api, intent_id: str, amount: int, key: str) -> Any:
    path = f"/payment-intents/{intent_id}/refunds"
    return await api.request("POST", path, json={"amount": amount}, headers={"idempotencyKey": key})


async def test_a_declined_refund_changes_nothing_but_is_on_record(api: Api, ctx: Context) -> None:
    intent = await api.create()
    paid = await pay(api.client, intent["clientSessionSecret"], REFUND_DECLINED)
    assert paid["statusCode"] == 0  # it authorizes and captures
    before = (await api.get(intent["id"])).json()
    webhooks_before = await events_of(ctx, intent["id"])

    problem = assert_problem(await refund(api, intent["id"], 300, "r1"), 402)
    assert problem["refundStatus"] == "Declined" and problem["refundId"].startswith("rfnd_")
    assert "declined" in problem["title"] and "still Captured" in problem["detail"]

    after = (await api.get(intent["id"])).json()
    assert (after["status"], after["refundedAmount"], after["capturedAmount"]) == (
        "Captured",
        0,
        1000,
    )
    assert after["paymentEvents"][:-1] == before["paymentEvents"]
    assert after["paymentEvents"][-1]["eventType"] == "Declined"
    assert "Refund declined" in after["paymentEvents"][-1]["message"]
    assert await events_of(ctx, intent["id"]) == webhooks_before  # no webhook for it
    stored = (await api.request("GET", f"/payment-intents/refunds/{problem['refundId']}")).json()
    assert (stored["status"], stored["amount"]) == ("Declined", 300)

    again = await refund(api, intent["id"], 300, "r1")  # the same key: the same answer
    assert again.status_code == 402 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["refundId"] == problem["refundId"]
    assert (await refund(api, intent["id"], 300, "r2")).status_code == 402  # every refund


async def test_a_declined_manual_reversal_keeps_the_authorization(api: Api, ctx: Context) -> None:
    intent = await paid_intent(api, REVERSAL_DECLINED)
    webhooks_before = await events_of(ctx, intent["id"])
    response = await api.request("POST", f"/payment-intents/{intent['id']}/reversal")
    problem = assert_problem(response, 402)
    assert problem["reversalStatus"] == "Declined" and problem["reversalId"].startswith("rvs_")
    after = (await api.get(intent["id"])).json()
    assert (after["status"], after["authorizedAmount"]) == ("Authorized", 1000)
    assert after["paymentEvents"][-1]["eventType"] == "Declined"
    assert await events_of(ctx, intent["id"]) == webhooks_before
    # Declined reversals leave the intent usable: it can still be captured.
    path = f"/payment-intents/{intent['id']}/captures"
    assert (await api.request("POST", path, json={"amount": 1000})).status_code == 200


async def test_a_declined_same_day_auto_reversal_keeps_the_capture(api: Api) -> None:
    intent = await api.create()
    await pay(api.client, intent["clientSessionSecret"], REVERSAL_DECLINED)
    response = await api.request("POST", f"/payment-intents/{intent['id']}/reversal")
    assert assert_problem(response, 402)["reversalStatus"] == "Declined"
    after = (await api.get(intent["id"])).json()
    assert (after["status"], after["capturedAmount"]) == ("Captured", 1000)
    assert (await refund(api, intent["id"], 1000, "full")).status_code == 200  # refund instead


async def test_the_0358_card_captures_and_the_0366_card_refunds(api: Api) -> None:
    """Each card declines only its own operation."""
    manual = await paid_intent(api, REFUND_DECLINED)
    captured = await api.request(
        "POST", f"/payment-intents/{manual['id']}/captures", json={"amount": 1000}
    )
    assert captured.status_code == 200
    auto = await api.create()
    await pay(api.client, auto["clientSessionSecret"], REVERSAL_DECLINED)
    assert (await refund(api, auto["id"], 100, "k")).status_code == 200


async def test_a_reused_refund_key_on_another_intent_is_another_refund(api: Api) -> None:
    """Dojo documents refund keys as unique per refund on that intent."""
    first, second = await api.create(), await api.create()
    for intent in (first, second):
        await pay(api.client, intent["clientSessionSecret"])
    one = await refund(api, first["id"], 100, "refund-1")
    two = await refund(api, second["id"], 100, "refund-1")
    assert (one.status_code, two.status_code) == (200, 200)
    assert one.json()["refundId"] != two.json()["refundId"]
    assert "Idempotent-Replayed" not in two.headers
    replay = await refund(api, first["id"], 100, "refund-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == one.json()
    # Other mutations keep the account scope: a cancel key reused on another intent is a 422.
    third, fourth = await api.create(), await api.create()
    headers = {"idempotencyKey": "cancel-1"}
    assert (
        await api.request("DELETE", f"/payment-intents/{third['id']}", headers=headers)
    ).status_code == 200
    reused = await api.request("DELETE", f"/payment-intents/{fourth['id']}", headers=headers)
    assert reused.status_code == 422
