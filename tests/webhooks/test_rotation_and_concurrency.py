"""Secret rotation takes effect at once; two dispatchers on one PostgreSQL share the work."""

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from tender import signing
from tender.config import Settings
from tender.service import dispatcher
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import Api, backend
from tests.webhooks.helpers import account_events, drain, subscribe
from tests.webhooks.receiver import Receiver

STEP = timedelta(hours=10)


async def test_deliveries_sign_with_the_newly_activated_secret_from_that_moment(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    subscription = await subscribe(api, receiver.url)
    sub_id = subscription["id"]
    old = subscription["secrets"][0]
    await api.create(reference="before rotation")
    await drain(ctx, clock)

    added = await api.request("POST", f"/webhooks/{sub_id}/secrets")
    assert added.status_code == 200, added.text
    new = next(s for s in added.json()["secrets"] if s["id"] != old["id"])
    assert new["isActive"] is False
    await api.create(reference="secret added, not active")
    await drain(ctx, clock)

    # A delivery that is failing when the new secret becomes active retries with the new one.
    receiver.status = 500
    failing = await api.create(reference="in retry across the switch")
    await dispatcher.dispatch_once(ctx)
    activated = await api.request("PUT", f"/webhooks/{sub_id}/secrets/{new['id']}/activate")
    assert activated.status_code == 204, activated.text
    receiver.status = 200
    clock.advance(STEP)
    await drain(ctx, clock)
    await api.create(reference="after rotation")
    await drain(ctx, clock)

    signed_with = {}
    for request in receiver.requests:
        header = request.headers["dojo-signature"]
        by_old = signing.verify(old["value"], request.body, header)
        by_new = signing.verify(new["value"], request.body, header)
        assert by_old != by_new
        signed_with.setdefault(request.event["data"]["paymentIntentId"], []).append(
            ("old" if by_old else "new", request.answered)
        )
    assert list(signed_with[failing["id"]]) == [("old", 500), ("new", 200)]
    assert [v for v in signed_with.values()].count([("new", 200)]) == 1  # after rotation
    assert [v for v in signed_with.values()].count([("old", 200)]) == 2  # before activation

    secrets = (await api.request("GET", f"/webhooks/{sub_id}/secrets")).json()["secrets"]
    assert {s["id"]: s["isActive"] for s in secrets} == {old["id"]: False, new["id"]: True}
    # the old secret can now be retired; the active one cannot
    assert (
        await api.request("DELETE", f"/webhooks/{sub_id}/secrets/{new['id']}")
    ).status_code == 409
    assert (
        await api.request("DELETE", f"/webhooks/{sub_id}/secrets/{old['id']}")
    ).status_code == 204


@pytest.mark.skipif(
    backend() != "postgresql",
    reason="SQLite has a single writer; concurrent claims need PostgreSQL's SKIP LOCKED",
)
async def test_two_dispatchers_on_one_postgresql_deliver_each_event_exactly_once(
    api: Api, ctx: Context, clock, receiver: Receiver, settings: Settings
) -> None:
    await subscribe(api, receiver.url)
    await subscribe(api, receiver.url.replace("/webhook", "/second"))
    for n in range(15):
        intent = await api.create(reference=f"Order {n}")
        await api.request("DELETE", f"/payment-intents/{intent['id']}")

    small = settings.model_copy(update={"webhook_batch_size": 4})
    workers = [
        Context(db=Database(settings.database_url), settings=small, clock=clock) for _ in range(2)
    ]
    attempted = [0, 0]
    try:
        for _ in range(100):
            results = await asyncio.gather(*(dispatcher.dispatch_once(w) for w in workers))
            for i, result in enumerate(results):
                attempted[i] += result.attempted
            if all(r.idle for r in results):
                break
        else:
            raise AssertionError("the dispatchers never finished")
        assert all(attempted), attempted  # both did part of the work
    finally:
        for w in workers:
            await w.db.dispose()

    events = await account_events(api)
    assert len(events) == 45  # created, then the cancel's status_updated and updated
    sent = Counter((r.path, r.event["id"]) for r in receiver.requests)
    assert all(r.ok for r in receiver.requests)
    assert set(sent.values()) == {1}
    assert len(sent) == 90  # 45 events x 2 subscriptions, each exactly once


@pytest.mark.skipif(
    backend() != "postgresql",
    reason="SQLite has a single writer; concurrent claims need PostgreSQL's SKIP LOCKED",
)
async def test_two_background_dispatcher_loops_share_the_work(
    api: Api, clock, receiver: Receiver, settings: Settings
) -> None:
    """The real background job (``dispatcher.run``), twice, as two worker processes would."""
    await subscribe(api, receiver.url)
    for n in range(10):
        await api.create(reference=f"Order {n}")
    fast = settings.model_copy(update={"webhook_poll_seconds": 0.02, "webhook_batch_size": 3})
    workers = [
        Context(db=Database(settings.database_url), settings=fast, clock=clock) for _ in range(2)
    ]
    tasks = [asyncio.create_task(dispatcher.run(w)) for w in workers]
    try:
        async with asyncio.timeout(30):
            while len(receiver.requests) < 10:  # noqa: ASYNC110 - real loops doing real work
                await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for w in workers:
            await w.db.dispose()
    ids = Counter(r.event["id"] for r in receiver.requests)
    assert len(ids) == 10 and set(ids.values()) == {1}
