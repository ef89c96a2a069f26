"""The transactional outbox: an event exists exactly when the change that caused it committed."""

import pytest

from tender.domain.status import Status
from tender.service import accounts, dispatcher, intents
from tender.service.context import Context
from tests.conftest import Api, backend
from tests.webhooks.helpers import account_events, subscribe
from tests.webhooks.receiver import Receiver


async def test_a_rolled_back_change_emits_no_event_and_no_delivery(
    api: Api, ctx: Context, receiver: Receiver
) -> None:
    await subscribe(api, receiver.url)
    intent = await api.create()
    account = await accounts.authenticate(ctx, f"Basic {api.key}")

    with pytest.raises(RuntimeError, match="after emitting"):
        async with ctx.db.transaction() as conn:
            row = await intents.load_for_update(conn, account, intent["id"])
            await intents.set_status(conn, account, row, Status.CANCELED, ctx.clock())
            raise RuntimeError("the change fails after emitting")

    assert [e["event"] for e in await account_events(api)] == ["payment_intent.created"]
    assert (await api.get(intent["id"])).json()["status"] == "Created"
    await dispatcher.dispatch_once(ctx)
    assert [r.event["event"] for r in receiver.requests] == ["payment_intent.created"]

    # the same change, committed, is delivered
    assert (await api.request("DELETE", f"/payment-intents/{intent['id']}")).status_code == 200
    await dispatcher.dispatch_once(ctx)
    assert [r.event["data"]["paymentStatus"] for r in receiver.requests] == [
        "Created",
        "Canceled",
    ]


@pytest.mark.skipif(
    backend() != "postgresql",
    reason="SQLite commits in sequence order (one writer); PostgreSQL sequences do not",
)
async def test_an_event_committed_after_a_later_one_is_still_delivered(
    api: Api, ctx: Context, receiver: Receiver
) -> None:
    await subscribe(api, receiver.url)
    first = await api.create(reference="A")
    account = await accounts.authenticate(ctx, f"Basic {api.key}")
    await dispatcher.dispatch_once(ctx)

    async with ctx.db.transaction() as conn:  # A's status change takes its seq, stays open...
        row = await intents.load_for_update(conn, account, first["id"])
        await intents.set_status(conn, account, row, Status.CANCELED, ctx.clock())
        second = await api.create(reference="B")  # ...while B commits a higher seq
        await dispatcher.dispatch_once(ctx)
        assert [r.event["data"]["paymentIntentId"] for r in receiver.requests] == [
            first["id"],
            second["id"],
        ]
    await dispatcher.dispatch_once(ctx)  # now A's change is visible and goes out too
    assert [r.event["data"]["paymentStatus"] for r in receiver.requests] == [
        "Created",
        "Created",
        "Canceled",
    ]
    seqs = {e["id"]: n for n, e in enumerate(await account_events(api))}
    assert seqs[receiver.requests[2].event["id"]] < seqs[receiver.requests[1].event["id"]]
