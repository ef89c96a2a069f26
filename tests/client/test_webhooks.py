"""``client.webhooks`` against the real application, and ``tender.webhooks``' signature helpers
against the spec's test vector."""

from typing import Any

import pytest

from tender import webhooks
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


SPEC_SECRET = "PDYkJQq6sESYHp_zJuTTBQ"
SPEC_BODY = (
    b'{"id":"evt_hnnHxIKR_Uy6bhZCusCltw","event":"payment_intent.created","accountId":"acc_test",'
    b'"createdAt":"2022-02-01T13:07:41.8667859Z","data":{"paymentIntentId":'
    b'"pi_vpwd4ooAPEqyNAQe4z89WQ","paymentStatus":"Created","captureMode":"Auto"}}'
)
SPEC_SIGNATURE = (
    "sha256=4B-49-F8-FE-25-A7-E6-7D-00-4F-A7-9C-F8-0B-63-00-"
    "C7-77-B4-F2-2D-E5-E1-22-84-FA-04-18-50-A1-76-FD"
)


def test_the_spec_vector_signs_and_verifies() -> None:
    assert webhooks.sign(SPEC_BODY, SPEC_SECRET) == SPEC_SIGNATURE
    assert webhooks.verify(SPEC_BODY, SPEC_SIGNATURE, SPEC_SECRET)
    assert webhooks.verify(SPEC_BODY.decode(), SPEC_SIGNATURE, SPEC_SECRET)


def test_a_changed_body_or_wrong_secret_does_not_verify() -> None:
    assert not webhooks.verify(
        SPEC_BODY.replace(b"Created", b"Captured"), SPEC_SIGNATURE, SPEC_SECRET
    )
    assert not webhooks.verify(SPEC_BODY, SPEC_SIGNATURE, "another secret")
    assert not webhooks.verify(SPEC_BODY, None, SPEC_SECRET)


def test_construct_event_verifies_then_parses() -> None:
    event = webhooks.construct_event(SPEC_BODY, SPEC_SIGNATURE, SPEC_SECRET)
    assert event["data"]["paymentIntentId"] == "pi_vpwd4ooAPEqyNAQe4z89WQ"
    with pytest.raises(webhooks.SignatureVerificationError):
        webhooks.construct_event(SPEC_BODY, SPEC_SIGNATURE, "another secret")


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
