"""The delivery log (Tender extensions to spec §5): events, deliveries, attempts, redelivery,
and the account's event stream that ``tender listen`` follows."""

from typing import Any

from sqlalchemy import Row

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

STATUSES = (repo.PENDING, repo.DELIVERED, repo.FAILED, repo.CANCELED)
MAX_LIMIT = 100
MAX_CURSOR = 2**63 - 1  # cursors are 64-bit integers in the database


def present_attempt(row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "url": row.url,
        "startedAt": timestamp(row.started_at),
        "durationMs": row.duration_ms,
        "statusCode": row.status_code,
        "responseBody": row.response_body,
        "error": row.error,
        "secretId": row.secret_id,
    }


def present_delivery(row: Row, attempts: list[Row] | None = None) -> dict[str, Any]:
    body = {
        "id": row.id,
        "subscriptionId": row.subscription_id,
        "eventId": row.event_id,
        "event": row.event_name,
        "paymentIntentId": row.intent_id,
        "status": row.status,
        "attemptCount": row.attempt_count,
        "nextAttemptAt": timestamp(row.next_attempt_at),
        "lastStatusCode": row.last_status_code,
        "lastError": row.last_error,
        "deliveredAt": timestamp(row.delivered_at),
        "createdAt": timestamp(row.created_at),
        "updatedAt": timestamp(row.updated_at),
    }
    if attempts is not None:
        body["attempts"] = [present_attempt(a) for a in attempts]
    return body


async def _subscription(conn: Conn, account: Account, subscription_id: str) -> Row:
    row = await subscriptions.get_subscription_any_state(conn, account.id, subscription_id)
    if row is None:
        raise NotFound(f"No webhook subscription with id {subscription_id}.")
    return row


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
        rows = await repo.list_deliveries(
            conn, subscription_id, status=status, limit=limit, before_seq=before
        )
    more = len(rows) == limit
    return {
        "data": [present_delivery(r) for r in rows],
        "next": rows[-1].event_seq if rows and more else None,
    }


async def get_delivery(
    ctx: Context, account: Account, subscription_id: str, delivery_id: str
) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        await _subscription(conn, account, subscription_id)
        row = await repo.get_delivery(conn, subscription_id, delivery_id)
        if row is None:
            raise NotFound(f"No delivery with id {delivery_id} for {subscription_id}.")
        return present_delivery(row, list(await repo.attempts_of(conn, [row.id])))


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
        row = await repo.get_delivery(conn, subscription_id, delivery_id, for_update=True)
        if row is None:
            raise NotFound(f"No delivery with id {delivery_id} for {subscription_id}.")
        await repo.reschedule(conn, row.id, ctx.clock())
        row = await repo.get_delivery(conn, subscription_id, delivery_id)
        assert row is not None
        return Reply(200, present_delivery(row))

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
            dict(
                id=new_id("dlv", sandbox=account.sandbox),
                event_seq=event.seq,
                subscription_id=sub.id,
                account_id=account.id,
                intent_id=event.intent_id,
                status=repo.PENDING,
                tries=0,
                attempt_count=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            ),
        )
        rows = [
            r
            for r in await repo.deliveries_of_event(conn, event.seq)
            if r.subscription_id == sub.id
        ]
        await repo.reschedule(conn, rows[0].id, now)
        row = await repo.get_delivery(conn, sub.id, rows[0].id)
        assert row is not None
        return Reply(200, present_delivery(row))

    return await run(ctx, account.id, idem, effect)


async def get_event(ctx: Context, account: Account, event_id: str) -> dict[str, Any]:
    """The event as sent, plus its deliveries and their attempts."""
    async with ctx.db.transaction(write=False) as conn:
        event = await repo.get_event(conn, account.id, event_id)
        if event is None:
            raise NotFound(f"No event with id {event_id}.")
        rows = list(await repo.deliveries_of_event(conn, event.seq))
        attempts = list(await repo.attempts_of(conn, [r.id for r in rows])) if rows else []
    return {
        "id": event.id,
        "seq": event.seq,
        "event": event.event,
        "paymentIntentId": event.intent_id,
        "createdAt": timestamp(event.created_at),
        "payload": event.payload,
        "deliveries": [
            present_delivery(r, [a for a in attempts if a.delivery_id == r.id]) for r in rows
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
        rows = await repo.events_from_position(conn, account.id, after, limit)
    return {
        "data": [{"seq": after + n, "event": r.payload} for n, r in enumerate(rows, 1)],
        "cursor": after + len(rows),
    }


async def recent(ctx: Context, account: Account, limit: int = 20) -> dict[str, Any]:
    """The account's latest events (oldest first) and the cursor to follow the stream from."""
    limit = _limit(limit)
    async with ctx.db.transaction(write=False) as conn:
        rows = list(reversed(await history.recent_events(conn, account.id, limit)))
        count = await repo.event_count(conn, account.id)
    first = count - len(rows)  # positions in the account's own events, as ``stream`` counts
    data = [{"seq": first + n, "event": r.payload} for n, r in enumerate(rows, 1)]
    return {"data": data, "cursor": count}
