"""The delivery log and redelivery (Tender extensions): what was sent, when, how it went."""

from datetime import timedelta

from tender.api.webhook_schemas import Delivery, DeliveryPage, EventRecord
from tender.service import dispatcher
from tender.service.context import Context
from tests.conftest import Api, assert_problem
from tests.webhooks.helpers import drain, subscribe
from tests.webhooks.receiver import Receiver


async def test_deliveries_and_attempts_are_logged(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    sub = await subscribe(api, receiver.url)
    intent = await api.create()
    receiver.status = 500
    await dispatcher.dispatch_once(ctx)
    receiver.status = 200
    clock.advance(timedelta(hours=10))
    await dispatcher.dispatch_once(ctx)

    page = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()
    DeliveryPage.model_validate(page)
    [delivery] = page["data"]
    assert delivery["event"] == "payment_intent.created"
    assert delivery["paymentIntentId"] == intent["id"]
    assert delivery["status"] == "delivered" and delivery["attemptCount"] == 2
    assert delivery["lastStatusCode"] == 200 and delivery["deliveredAt"]

    detail = await api.request("GET", f"/webhooks/{sub['id']}/deliveries/{delivery['id']}")
    Delivery.model_validate(detail.json())
    attempts = detail.json()["attempts"]
    assert [(a["number"], a["statusCode"]) for a in attempts] == [(1, 500), (2, 200)]
    assert attempts[0]["responseBody"] == "not now" and attempts[0]["error"] == "HTTP 500"
    assert attempts[1]["responseBody"] == "ok" and attempts[1]["error"] is None
    assert {a["secretId"] for a in attempts} == {sub["secrets"][0]["id"]}
    assert all(a["url"] == receiver.url for a in attempts)

    event = await api.request("GET", f"/webhooks/events/{delivery['eventId']}")
    EventRecord.model_validate(event.json())
    assert event.json()["payload"]["id"] == delivery["eventId"]
    assert [d["id"] for d in event.json()["deliveries"]] == [delivery["id"]]
    assert len(event.json()["deliveries"][0]["attempts"]) == 2

    delivered = await api.request(
        "GET", f"/webhooks/{sub['id']}/deliveries", params={"status": "pending"}
    )
    assert delivered.json() == {"data": [], "next": None}
    secrets = (await api.request("GET", f"/webhooks/{sub['id']}/secrets")).json()["secrets"]
    assert secrets[0]["lastUsedAt"] is not None


async def test_redeliver_sends_the_same_event_again(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    sub = await subscribe(api, receiver.url)
    await api.create()
    await drain(ctx, clock)
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]

    path = f"/webhooks/{sub['id']}/deliveries/{delivery['id']}/redeliver"
    key = {"idempotencyKey": "redeliver-1"}
    response = await api.request("POST", path, headers=key)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "pending"
    assert (await api.request("POST", path, headers=key)).headers["Idempotent-Replayed"] == "true"
    await drain(ctx, clock)

    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body  # same event id, same bytes
    detail = await api.request("GET", f"/webhooks/{sub['id']}/deliveries/{delivery['id']}")
    assert detail.json()["status"] == "delivered" and detail.json()["attemptCount"] == 2


async def test_a_given_up_delivery_can_be_redelivered(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    sub = await subscribe(api, receiver.url)
    await api.create()
    receiver.status = 500
    await drain(ctx, clock, step=timedelta(hours=10))
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    assert delivery["status"] == "failed" and delivery["attemptCount"] == 10
    assert len(receiver.requests) == 10

    receiver.status = 200
    path = f"/webhooks/{sub['id']}/deliveries/{delivery['id']}/redeliver"
    assert (await api.request("POST", path)).status_code == 200
    await drain(ctx, clock)
    assert receiver.requests[-1].ok and len(receiver.requests) == 11


async def test_any_event_can_be_sent_to_a_subscription_created_after_it(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    intent = await api.create()
    await drain(ctx, clock)  # no subscription yet: nothing to send
    sub = await subscribe(api, receiver.url)
    [event] = (await api.request("GET", "/webhooks/stream", params={"after": 0})).json()["data"]
    response = await api.request(
        "POST", f"/webhooks/{sub['id']}/events/{event['event']['id']}/send"
    )
    assert response.status_code == 200, response.text
    await drain(ctx, clock)
    assert [r.event["data"]["paymentIntentId"] for r in receiver.requests] == [intent["id"]]


async def test_log_lookups_are_account_scoped_and_validated(
    api: Api, other_api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    sub = await subscribe(api, receiver.url)
    await api.create()
    await drain(ctx, clock)
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    base = f"/webhooks/{sub['id']}/deliveries"
    assert_problem(await other_api.request("GET", f"{base}/{delivery['id']}"), 404)
    assert_problem(await other_api.request("POST", f"{base}/{delivery['id']}/redeliver"), 404)
    assert_problem(await other_api.request("GET", f"/webhooks/events/{delivery['eventId']}"), 404)
    assert_problem(await api.request("GET", f"{base}/dlv_nope"), 404)
    assert (
        "Status"
        in assert_problem(await api.request("GET", base, params={"status": "lost"}), 400)["errors"]
    )
    assert_problem(await api.request("GET", base, params={"limit": 101}), 400)


async def test_deleting_a_subscription_cancels_its_pending_deliveries(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    sub = await subscribe(api, receiver.url)
    await api.create()
    receiver.status = 500
    await dispatcher.dispatch_once(ctx)
    assert (await api.request("DELETE", f"/webhooks/{sub['id']}")).status_code == 204
    clock.advance(timedelta(hours=10))
    assert (await dispatcher.dispatch_once(ctx)).idle
    assert len(receiver.requests) == 1
    log = await api.request("GET", f"/webhooks/{sub['id']}/deliveries")  # still readable
    assert [d["status"] for d in log.json()["data"]] == ["canceled"]
