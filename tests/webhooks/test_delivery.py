"""At-least-once delivery to a real receiver on 127.0.0.1, driven by the injectable clock."""

from collections import defaultdict
from datetime import timedelta

import httpx
from sqlalchemy import select

from tender import signing
from tender.config import Settings
from tender.service import dispatcher
from tender.service.context import Context
from tender.storage import deliveries
from tender.storage.db import Database
from tender.storage.tables import outbox_events
from tests.conftest import Api
from tests.webhooks.helpers import account_events, drain, subscribe
from tests.webhooks.receiver import Receiver

STEP = timedelta(hours=10)  # longer than the longest backoff (8 h + 20 % jitter)


async def make_traffic(api: Api, intents: int = 3) -> list[str]:
    """Intents with a receipt and a cancel each: four events per intent (created,
    send-receipt, and the cancel's status_updated and updated)."""
    ids = []
    for n in range(intents):
        intent = await api.create(reference=f"Order {n}")
        ids.append(intent["id"])
    for intent_id in ids:
        receipt = await api.request(
            "POST", f"/payment-intents/{intent_id}/receipt", json={"emails": ["a@example.com"]}
        )
        assert receipt.status_code == 204, receipt.text
        assert (await api.request("DELETE", f"/payment-intents/{intent_id}")).status_code == 200
    return ids


def first_successes(receiver: Receiver) -> list[dict]:
    seen: dict[str, dict] = {}
    for request in receiver.delivered():
        seen.setdefault(request.event["id"], request.event)
    return list(seen.values())


async def test_a_failing_receiver_gets_every_event_once_it_answers_2xx(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    subscription = await subscribe(api, receiver.url)
    secret = subscription["secrets"][0]["value"]
    await make_traffic(api)
    receiver.fail_first = 5

    await drain(ctx, clock, step=STEP)

    expected = await account_events(api)
    assert len(expected) == 12
    assert sorted(e["id"] for e in first_successes(receiver)) == sorted(e["id"] for e in expected)
    assert len([r for r in receiver.requests if r.answered == 500]) == 5
    for request in receiver.requests:
        assert signing.verify(secret, request.body, request.headers["dojo-signature"])
        assert request.headers["content-type"] == "application/json"
    # the body is the spec §5.3 payload, byte for byte what the outbox recorded
    by_id = {e["id"]: e for e in expected}
    for event in first_successes(receiver):
        assert event == by_id[event["id"]]
        assert list(event) == ["id", "event", "accountId", "createdAt", "data"]
    # the log shows the failed attempts too
    log = await api.request("GET", f"/webhooks/{subscription['id']}/deliveries")
    deliveries = log.json()["data"]
    assert {d["status"] for d in deliveries} == {"delivered"}
    assert sum(d["attemptCount"] for d in deliveries) == len(receiver.requests)


async def test_a_receiver_down_for_a_while_gets_every_event_in_order_per_intent(
    api: Api, ctx: Context, clock
) -> None:
    receiver = Receiver()  # port reserved, nothing listening yet: connections are refused
    subscription = await subscribe(api, receiver.url)
    intent_ids = await make_traffic(api, intents=4)
    for _ in range(4):
        result = await dispatcher.dispatch_once(ctx)
        assert result.attempted == 4 and result.delivered == 0  # only each intent's first event
        clock.advance(STEP)
    log = (await api.request("GET", f"/webhooks/{subscription['id']}/deliveries")).json()["data"]
    tried = [d for d in log if d["attemptCount"]]
    assert {d["event"] for d in tried} == {"payment_intent.created"}
    assert all(d["lastError"] == "no HTTP answer from the receiver" for d in tried)

    receiver.start()
    try:
        await drain(ctx, clock, step=STEP)
    finally:
        receiver.stop()

    expected = await account_events(api)
    per_intent: dict[str, list[str]] = defaultdict(list)
    for event in expected:
        per_intent[event["data"]["paymentIntentId"]].append(event["id"])
    received: dict[str, list[str]] = defaultdict(list)
    for request in receiver.requests:
        received[request.event["data"]["paymentIntentId"]].append(request.event["id"])
    assert set(received) == set(intent_ids)
    for intent_id in intent_ids:
        assert received[intent_id] == per_intent[intent_id]  # every event, in order, once


async def test_stopping_and_restarting_the_dispatcher_mid_retries_loses_nothing(
    api: Api, ctx: Context, clock, receiver: Receiver, settings: Settings
) -> None:
    await subscribe(api, receiver.url)
    await make_traffic(api, intents=2)
    receiver.status = 503
    for _ in range(3):
        await dispatcher.dispatch_once(ctx)
        clock.advance(STEP)
    # The process dies after leasing deliveries and before recording their outcome.
    _, leased = await dispatcher.claim(ctx, 50)
    assert leased
    await ctx.db.dispose()

    receiver.status = 200
    restarted = Context(db=Database(settings.database_url), settings=settings, clock=clock)
    try:
        clock.advance(dispatcher.lease_length(restarted) + STEP)
        await drain(restarted, clock, step=STEP)
    finally:
        await restarted.db.dispose()

    expected = await account_events(api)
    assert len(expected) == 8
    assert sorted(e["id"] for e in first_successes(receiver)) == sorted(e["id"] for e in expected)


async def test_the_fan_out_mark_moves_past_settled_events_only(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    """Older events stop being re-scanned once settled; newer ones are still picked up."""
    await subscribe(api, receiver.url)
    await api.create()
    await dispatcher.dispatch_once(ctx)
    async with ctx.db.transaction(write=False) as conn:
        assert await deliveries.fanout_low_water(conn) == 0  # not settled yet
    clock.advance(dispatcher.SETTLE + timedelta(seconds=1))
    await dispatcher.dispatch_once(ctx)
    [event] = await account_events(api)
    async with ctx.db.transaction(write=False) as conn:
        mark = await deliveries.fanout_low_water(conn)
        seqs = [row.seq for row in await conn.execute(select(outbox_events.c.seq))]
    assert [mark] == seqs  # the one (settled) event, by its installation-wide sequence
    await api.create()
    await drain(ctx, clock)
    assert len(receiver.delivered()) == 2 and receiver.delivered()[0].event == event


async def test_transport_errors_are_recorded_and_retried(api: Api, ctx: Context, clock) -> None:
    """The HTTP edge is injectable: a transport that drops the connection mid-answer."""
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadError("connection reset by peer")
        return httpx.Response(204)

    sub = await subscribe(api, "https://merchant.example/hook")
    await api.create()
    async with dispatcher.new_client(httpx.MockTransport(flaky)) as client:
        assert (await dispatcher.dispatch_once(ctx, client=client)).delivered == 0
        clock.advance(STEP)
        assert (await dispatcher.dispatch_once(ctx, client=client)).delivered == 1
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    detail = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries/{delivery['id']}")).json()
    assert [(a["statusCode"], a["error"]) for a in detail["attempts"]] == [
        (None, "no HTTP answer from the receiver"),
        (204, None),
    ]
    assert calls[0].headers["dojo-signature"] == calls[1].headers["dojo-signature"]
    assert calls[0].content == calls[1].content
