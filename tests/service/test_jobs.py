"""The webhook dispatcher is a background job of ``tender serve`` and ``tender worker``."""

import asyncio

from tender.config import Settings
from tender.service.context import Context
from tender.service.jobs import background_jobs
from tests.conftest import Api
from tests.webhooks.helpers import subscribe
from tests.webhooks.receiver import Receiver


async def test_the_webhooks_job_delivers_events_as_they_happen(
    api: Api, ctx: Context, settings: Settings, receiver: Receiver
) -> None:
    jobs = dict(background_jobs())
    assert "webhooks" in jobs
    await subscribe(api, receiver.url)
    fast = Context(
        db=ctx.db,
        settings=settings.model_copy(update={"webhook_poll_seconds": 0.02}),
        clock=ctx.clock,
    )
    task = asyncio.create_task(jobs["webhooks"](fast))
    try:
        intent = await api.create()
        await api.request("DELETE", f"/payment-intents/{intent['id']}")
        async with asyncio.timeout(30):
            while len(receiver.requests) < 3:  # noqa: ASYNC110 - a real loop doing real work
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # A status change is reported twice: status_updated, then updated (any change), in order.
    assert [(r.event["event"], r.event["data"]["paymentStatus"]) for r in receiver.requests] == [
        ("payment_intent.created", "Created"),
        ("payment_intent.status_updated", "Canceled"),
        ("payment_intent.updated", "Canceled"),
    ]
    assert task.cancelled()
