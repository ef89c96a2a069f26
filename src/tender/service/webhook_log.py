"""The delivery log (Tender extensions to spec §5): events, deliveries, attempts, redelivery,
and the account's event stream that ``tender listen`` follows."""

from collections.abc import Sequence
from typing import Any

from tender.errors import InvalidRequest, NotFound
from tender.ids import new_id
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.views import timestamp
from tender.storage import deliveries as repo
from tender.storage import history
from tender.storage import webhooks as subscriptions
from tender.storage.db import Conn
from tender.storage.records import Delivery, DeliveryAttempt, WebhookSubscription

STATUSES = (repo.PENDING, repo.DELIVERED, repo.FAILED, repo.CANCELED)
MAX_LIMIT = 100
MAX_CURSOR = 2**63 - 1  # cursors are 64-bit integers in the database


def present_attempt(attempt: DeliveryAttempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "number": attempt.number,
        "url": attempt.url,
        "startedAt": timestamp(attempt.started_at),
        "durationMs": attempt.duration_ms,
        "statusCode": attempt.status_code,
        "responseBody": attempt.response_body,
        "error": attempt.error,
        "secretId": attempt.secret_id,
    }


def present_delivery(
    delivery: Delivery, attempts: Sequence[DeliveryAttempt] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": delivery.id,
        "subscriptionId": delivery.subscription_id,
        "eventId": delivery.event_id,
        "event": delivery.event_name,
        "paymentIntentId": delivery.intent_id,
        "status": delivery.status,
        "attemptCount": delivery.attempt_count,
        "nextAttemptAt": timestamp(delivery.next_attempt_at),
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error,
        "deliveredAt": timestamp(delivery.delivered_at),
        "createdAt": timestamp(delivery.created_at),
        "updatedAt": timestamp(delivery.updated_at),
    }
    if attempts is not None:
        body["attempts"] = [present_attempt(a) for a in attempts]
    return body


async def _subscription(conn: Conn, account: Account, subscription_id: str) -> WebhookSubscription:
    sub = await subscriptions.get_subscription_any_state(conn, account.id, subscription_id)
    if sub is None:
        raise NotFound(f"No webhook subscription with id {subscription_id}.")
    return sub


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest.field("Limit", f"Limit must be between 1 and {MAX_LIMIT}.")
    return limit


async def list_deliveries(
    ctx: Context,
    account: Account,
    subscription_id: str,
    *,
    status: str | None,
    limit: int,
    before: int | None,
) -> dict[str, Any]:
    """Newest event first; pass ``next`` back as ``before`` for older ones."""
    if status is not None and status not in STATUSES:
        raise InvalidRequest.field("Status", f"Status must be one of {', '.join(STATUSES)}.")
    limit = _limit(limit)
    if before is not None and not 0 <= before <= MAX_CURSOR:
        raise InvalidRequest.field("Before", f"Before must be between 0 and {MAX_CURSOR}.")
    async with ctx.db.transaction(write=False) as conn:
        await _subscription(conn, account, subscription_id)
        found = await repo.list_deliveries(
            conn, subscription_id, status=status, limit=limit, before_seq=before
        )
    more = len(found) == limit
    return {
        "data": [present_delivery(d) for d in found],
        "next": found[-1].event_seq if found and more else None,
    }


async def get_delivery(
    ctx: Context, account: Account, subscription_id: str, delivery_id: str
) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        await _subscription(conn, account, subscription_id)
        delivery = await repo.get_delivery(conn, subscription_id, delivery_id)
        if delivery is None:
            raise NotFound(f"No delivery with id {delivery_id} for {subscription_id}.")
        return present_delivery(delivery, await repo.attempts_of(conn, [delivery.id]))


async def redeliver(
    ctx: Context,
    account: Account,
    subscription_id: str,
    delivery_id: str,
    idem: IdempotencyKey | None,
) -> Reply:
    """Send the delivery's event again as soon as a dispatcher is free, with a fresh retry
    budget; the same event ``id`` is sent, so receivers can de-duplicate."""

    async def effect(conn: Conn) -> Reply:
        sub = await subscriptions.get_subscription(conn, account.id, subscription_id)
        if sub is None:
            raise NotFound(f"No webhook subscription with id {subscription_id}.")
        delivery = await repo.get_delivery(conn, subscription_id, delivery_id, for_update=True)
        if delivery is None:
            raise NotFound(f"No delivery with id {delivery_id} for {subscription_id}.")
        await repo.reschedule(conn, delivery.id, ctx.clock())
        delivery = await repo.get_delivery(conn, subscription_id, delivery_id)
        assert delivery is not None
        return Reply(200, present_delivery(delivery))

    return await run(ctx, account.id, idem, effect)


async def send_event(
    ctx: Context,
    account: Account,
    subscription_id: str,
    event_id: str,
    idem: IdempotencyKey | None,
) -> Reply:
    """(Re)send any event of the account to a subscription, whether or not it was sent to it
    before (for example, an event from before the subscription existed)."""

    async def effect(conn: Conn) -> Reply:
        sub = await subscriptions.get_subscription(conn, account.id, subscription_id)
        if sub is None:
            raise NotFound(f"No webhook subscription with id {subscription_id}.")
        event = await repo.get_event(conn, account.id, event_id)
        if event is None:
            raise NotFound(f"No event with id {event_id}.")
        now = ctx.clock()
        await repo.insert_delivery(
            conn,
            id=new_id("dlv", sandbox=account.sandbox),
            event=event,
            subscription_id=sub.id,
            due=now,
            now=now,
        )
        found = await repo.deliveries_of_event(conn, event.seq)
        delivery = next(d for d in found if d.subscription_id == sub.id)
        await repo.reschedule(conn, delivery.id, now)
        rescheduled = await repo.get_delivery(conn, sub.id, delivery.id)
        assert rescheduled is not None
        return Reply(200, present_delivery(rescheduled))

    return await run(ctx, account.id, idem, effect)


async def get_event(ctx: Context, account: Account, event_id: str) -> dict[str, Any]:
    """The event as sent, plus its deliveries and their attempts."""
    async with ctx.db.transaction(write=False) as conn:
        event = await repo.get_event(conn, account.id, event_id)
        if event is None:
            raise NotFound(f"No event with id {event_id}.")
        found = await repo.deliveries_of_event(conn, event.seq)
        attempts = await repo.attempts_of(conn, [d.id for d in found]) if found else []
    return {
        "id": event.id,
        "seq": event.seq,
        "event": event.event,
        "paymentIntentId": event.intent_id,
        "createdAt": timestamp(event.created_at),
        "payload": event.payload,
        "deliveries": [
            present_delivery(d, [a for a in attempts if a.delivery_id == d.id]) for d in found
        ],
    }


async def stream(
    ctx: Context, account: Account, *, after: int | None, limit: int
) -> dict[str, Any]:
    """Events after the cursor ``after``, oldest first. Cursors are positions in the account's
    own list of events (1 is its first event), never the installation-wide sequence, which would
    tell one tenant how busy the others are. Without ``after``: no events and the position of
    the newest one, to start following from now."""
    limit = _limit(limit)
    if after is not None and not 0 <= after <= MAX_CURSOR:
        raise InvalidRequest.field("After", f"After must be between 0 and {MAX_CURSOR}.")
    async with ctx.db.transaction(write=False) as conn:
        if after is None:
            return {"data": [], "cursor": await repo.event_count(conn, account.id)}
        events = await repo.events_from_position(conn, account.id, after, limit)
    return {
        "data": [{"seq": after + n, "event": e.payload} for n, e in enumerate(events, 1)],
        "cursor": after + len(events),
    }


async def recent(ctx: Context, account: Account, limit: int = 20) -> dict[str, Any]:
    """The account's latest events (oldest first) and the cursor to follow the stream from."""
    limit = _limit(limit)
    async with ctx.db.transaction(write=False) as conn:
        events = (await history.recent_events(conn, account.id, limit))[::-1]
        count = await repo.event_count(conn, account.id)
    first = count - len(events)  # positions in the account's own events, as ``stream`` counts
    data = [{"seq": first + n, "event": e.payload} for n, e in enumerate(events, 1)]
    return {"data": data, "cursor": count}
