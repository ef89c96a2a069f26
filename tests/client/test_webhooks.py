"""``client.webhooks`` against the real application."""

from typing import Any

import pytest

from tender.client import NotFoundError, WebhookSubscription
from tests.client.conftest import GBP_10, Server
from tests.webhooks.helpers import drain

HOOK = "http://127.0.0.1:9/hooks/dojo"
EVENTS = ["payment_intent.created", "payment_intent.status_updated"]


async def test_the_event_catalogue(tender: Any) -> None:
    catalogue = await tender.webhooks.events()
    names = {name for entry in catalogue for name in entry.events}
    assert {"payment_intent.created", "payment_intent.status_updated"} <= names
    assert "payment_intent.send-receipt" in names


async def test_subscription_lifecycle(tender: Any) -> None:
    created = await tender.webhooks.create(url=HOOK, events=EVENTS, description="shop")
    assert isinstance(created, WebhookSubscription)
    assert created.id.startswith("ws_") and created.url == HOOK
    assert created.events == EVENTS and created.description == "shop"
    assert [s.is_active for s in created.secrets] == [True]

    assert [s.id for s in await tender.webhooks.list()] == [created.id]
    assert (await tender.webhooks.get(created.id)).url == HOOK

    updated = await tender.webhooks.update(created.id, events=["payment_intent.created"])
    assert updated.events == ["payment_intent.created"] and updated.url == HOOK

    await tender.webhooks.delete(created.id)
    with pytest.raises(NotFoundError):
        await tender.webhooks.get(created.id)
    assert await tender.webhooks.list() == []


async def test_secret_rotation(tender: Any) -> None:
    subscription = await tender.webhooks.create(url=HOOK, events=EVENTS)
    old = subscription.secrets[0]
    rotated = await tender.webhooks.secrets.create(subscription.id)
    assert rotated.id == subscription.id
    new = next(s for s in rotated.secrets if s.id != old.id)
    assert new.is_active is False and new.value

    await tender.webhooks.secrets.activate(subscription.id, new.id)
    await tender.webhooks.secrets.delete(subscription.id, old.id)
    listed = await tender.webhooks.secrets.list(subscription.id)
    assert [(s.id, s.is_active) for s in listed.secrets] == [(new.id, True)]


async def test_the_delivery_log_and_redelivery(server: Server, receiver: Any) -> None:
    tender = server.client()
    subscription = await tender.webhooks.create(url=receiver.url, events=EVENTS)
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    await drain(server.ctx, server.clock)

    [delivery] = [d async for d in tender.webhooks.deliveries.list(subscription.id)]
    assert (delivery.event, delivery.payment_intent_id) == ("payment_intent.created", intent.id)
    assert delivery.status == "delivered" and delivery.attempt_count == 1

    event = await tender.webhooks.get_event(delivery.event_id)
    assert event.payload["data"]["paymentIntentId"] == intent.id
    assert [d.id for d in event.deliveries] == [delivery.id]

    again = await tender.webhooks.deliveries.redeliver(subscription.id, delivery.id)
    assert again.id == delivery.id
    await drain(server.ctx, server.clock)
    read = await tender.webhooks.deliveries.get(subscription.id, delivery.id)
    assert read.attempts and [a.status_code for a in read.attempts] == [200, 200]
    bodies = {r.body for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(bodies) == 1  # the same event, twice
