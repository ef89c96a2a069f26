"""Webhook deliveries: fan-out of outbox events, leased claims, attempts, and the log.

Claims use ``FOR UPDATE … SKIP LOCKED`` on PostgreSQL, so several dispatchers share the due
rows without taking the same one; SQLite has one writer (``BEGIN IMMEDIATE``) and needs no more.
A delivery whose earlier event for the same intent is still pending to the same subscription is
never claimed, so each receiver sees an intent's events in the order they happened.
Reads return ``storage.records`` values.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, insert, select, update

from tender.storage.db import Conn
from tender.storage.records import (
    ClaimedDelivery,
    Delivery,
    DeliveryAttempt,
    OutboxEvent,
    record_of,
)
from tender.storage.tables import (
    accounts,
    outbox_events,
    webhook_attempts,
    webhook_cursors,
    webhook_deliveries,
    webhook_fanouts,
    webhook_subscriptions,
)
from tender.storage.upsert import ignoring_conflicts, insert_ignore

D = webhook_deliveries
E = outbox_events
S = webhook_subscriptions
A = webhook_attempts
PENDING, DELIVERED, FAILED, CANCELED = "pending", "delivered", "failed", "canceled"


FANOUT = "fanout"


def _not_fanned_out() -> ColumnElement[bool]:
    marker = select(webhook_fanouts.c.seq).where(webhook_fanouts.c.seq == E.c.seq)
    return ~exists(marker)


async def fanout_low_water(conn: Conn) -> int:
    query = select(webhook_cursors.c.seq).where(webhook_cursors.c.name == FANOUT)
    return int((await conn.execute(query)).scalar() or 0)


async def events_to_fan_out(conn: Conn, low_water: int, limit: int) -> list[OutboxEvent]:
    """Outbox events above the low-water mark not yet turned into deliveries, oldest first."""
    query = select(E).where(E.c.seq > low_water, _not_fanned_out()).order_by(E.c.seq).limit(limit)
    return [record_of(OutboxEvent, row) for row in await conn.execute(query)]


async def advance_low_water(conn: Conn, low_water: int, settled: datetime) -> None:
    """Raise the mark over events written before ``settled`` once all below are fanned out.

    Sequence values are not committed in order on PostgreSQL: an event can become visible after
    one with a higher ``seq``. Any transaction still open is younger than ``settled``, so every
    event older than that is visible now, and the mark may pass it safely.
    """
    old_enough = select(func.max(E.c.seq)).where(E.c.seq > low_water, E.c.created_at < settled)
    candidate = (await conn.execute(old_enough)).scalar()
    if candidate is None:
        return
    first_open = select(func.min(E.c.seq)).where(E.c.seq > low_water, _not_fanned_out())
    pending = (await conn.execute(first_open)).scalar()
    mark = min(candidate, pending - 1) if pending is not None else candidate
    if mark <= low_water:
        return
    if not await insert_ignore(conn, webhook_cursors, {"name": FANOUT, "seq": mark}, ["name"]):
        await conn.execute(
            update(webhook_cursors)
            .where(webhook_cursors.c.name == FANOUT, webhook_cursors.c.seq < mark)
            .values(seq=mark)
        )
    # Markers at or below the mark say nothing the mark does not: the table stays small.
    await conn.execute(delete(webhook_fanouts).where(webhook_fanouts.c.seq <= mark))


async def mark_fanned_out(conn: Conn, seqs: Sequence[int], now: datetime) -> None:
    """Mark events as fanned out, in one statement."""
    if seqs:
        rows = [{"seq": seq, "created_at": now} for seq in seqs]
        await conn.execute(ignoring_conflicts(conn.dialect.name, webhook_fanouts, ("seq",)), rows)


async def insert_delivery(
    conn: Conn, *, id: str, event: OutboxEvent, subscription_id: str, due: datetime, now: datetime
) -> bool:
    """A pending delivery of ``event`` to the subscription, due at ``due``; False when the event
    has one for it already."""
    values = {
        "id": id,
        "event_seq": event.seq,
        "subscription_id": subscription_id,
        "account_id": event.account_id,
        "intent_id": event.intent_id,
        "status": PENDING,
        "tries": 0,
        "attempt_count": 0,
        "next_attempt_at": due,
        "created_at": now,
        "updated_at": now,
    }
    return await insert_ignore(conn, D, values, ["event_seq", "subscription_id"])


async def claim_due(
    conn: Conn, *, now: datetime, limit: int, lease_until: datetime, token: str
) -> list[str]:
    """Lease up to ``limit`` due deliveries to ``token``; returns their ids."""
    earlier = D.alias("earlier")
    blocked = select(earlier.c.id).where(
        earlier.c.subscription_id == D.c.subscription_id,
        earlier.c.intent_id == D.c.intent_id,
        earlier.c.event_seq < D.c.event_seq,
        earlier.c.status == PENDING,
    )
    # A paused subscription's deliveries wait, in order, until it is resumed.
    paused = select(S.c.id).where(S.c.id == D.c.subscription_id, S.c.paused_at.is_not(None))
    query = (
        select(D.c.id)
        .where(
            D.c.status == PENDING,
            D.c.next_attempt_at <= now,
            (D.c.lease_until.is_(None)) | (D.c.lease_until < now),
            ~exists(blocked),
            ~exists(paused),
        )
        .order_by(D.c.next_attempt_at, D.c.event_seq)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = [row.id for row in (await conn.execute(query)).all()]
    if ids:
        await conn.execute(
            update(D)
            .where(D.c.id.in_(ids))
            .values(lease_until=lease_until, lease_token=token, updated_at=now)
        )
    return ids


async def claimed(conn: Conn, ids: Sequence[str]) -> list[ClaimedDelivery]:
    """What the sender needs for each claimed delivery, in event order."""
    query = (
        select(
            D.c.id,
            D.c.tries,
            D.c.attempt_count,
            D.c.subscription_id,
            E.c.payload,
            S.c.url,
            S.c.deleted_at,
            accounts.c.environment,
        )
        .join(E, E.c.seq == D.c.event_seq)
        .join(S, S.c.id == D.c.subscription_id)
        .join(accounts, accounts.c.id == S.c.account_id)
        .where(D.c.id.in_(list(ids)))
        .order_by(D.c.event_seq)
    )
    return [record_of(ClaimedDelivery, row) for row in await conn.execute(query)]


async def record_attempt(
    conn: Conn,
    *,
    id: str,
    delivery_id: str,
    number: int,
    secret_id: str | None,
    url: str,
    started_at: datetime,
    duration_ms: int,
    status_code: int | None,
    response_body: str | None,
    error: str | None,
) -> None:
    """One HTTP attempt of a delivery, for its log."""
    await conn.execute(
        insert(A).values(
            id=id,
            delivery_id=delivery_id,
            number=number,
            secret_id=secret_id,
            url=url,
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=status_code,
            response_body=response_body,
            error=error,
        )
    )


async def finish(conn: Conn, delivery_id: str, token: str, values: dict[str, Any]) -> bool:
    """Apply the attempt's result if the lease is still ours; False if it was lost."""
    result = await conn.execute(
        update(D)
        .where(D.c.id == delivery_id, D.c.lease_token == token)
        .values(lease_until=None, lease_token=None, **values)
    )
    return result.rowcount == 1


async def cancel_pending(conn: Conn, subscription_id: str, now: datetime) -> None:
    await conn.execute(
        update(D)
        .where(D.c.subscription_id == subscription_id, D.c.status == PENDING)
        .values(status=CANCELED, next_attempt_at=None, updated_at=now)
    )


# --- the log --------------------------------------------------------------------------------

_LOG_COLUMNS = (
    D,
    E.c.id.label("event_id"),
    E.c.event.label("event_name"),
)


async def list_deliveries(
    conn: Conn,
    subscription_id: str,
    *,
    status: str | None,
    limit: int,
    before_seq: int | None,
) -> list[Delivery]:
    """Newest event first; ``before_seq`` continues to older ones."""
    query = (
        select(*_LOG_COLUMNS)
        .join(E, E.c.seq == D.c.event_seq)
        .where(D.c.subscription_id == subscription_id)
    )
    if status:
        query = query.where(D.c.status == status)
    if before_seq is not None:
        query = query.where(D.c.event_seq < before_seq)
    query = query.order_by(D.c.event_seq.desc()).limit(limit)
    return [record_of(Delivery, row) for row in await conn.execute(query)]


async def get_delivery(
    conn: Conn, subscription_id: str, delivery_id: str, *, for_update: bool = False
) -> Delivery | None:
    query = (
        select(*_LOG_COLUMNS)
        .join(E, E.c.seq == D.c.event_seq)
        .where(D.c.id == delivery_id, D.c.subscription_id == subscription_id)
    )
    if for_update:
        query = query.with_for_update(of=D)
    row = (await conn.execute(query)).first()
    return record_of(Delivery, row) if row is not None else None


async def deliveries_of_event(conn: Conn, seq: int) -> list[Delivery]:
    query = (
        select(*_LOG_COLUMNS)
        .join(E, E.c.seq == D.c.event_seq)
        .where(D.c.event_seq == seq)
        .order_by(D.c.created_at, D.c.id)
    )
    return [record_of(Delivery, row) for row in await conn.execute(query)]


async def attempts_of(conn: Conn, delivery_ids: Sequence[str]) -> list[DeliveryAttempt]:
    query = select(A).where(A.c.delivery_id.in_(list(delivery_ids))).order_by(A.c.number, A.c.id)
    return [record_of(DeliveryAttempt, row) for row in await conn.execute(query)]


async def reschedule(conn: Conn, delivery_id: str, now: datetime) -> None:
    """Send again now, with a fresh retry budget (redelivery on demand)."""
    await conn.execute(
        update(D)
        .where(D.c.id == delivery_id)
        .values(status=PENDING, tries=0, next_attempt_at=now, updated_at=now)
    )


async def get_event(conn: Conn, account_id: str, event_id: str) -> OutboxEvent | None:
    query = select(E).where(E.c.id == event_id, E.c.account_id == account_id)
    row = (await conn.execute(query)).first()
    return record_of(OutboxEvent, row) if row is not None else None


async def events_from_position(
    conn: Conn, account_id: str, position: int, limit: int
) -> list[OutboxEvent]:
    """The account's events after its first ``position`` ones, oldest first. Positions count
    the account's own events only, so a cursor says nothing about other accounts' volume."""
    query = (
        select(E)
        .where(E.c.account_id == account_id)
        .order_by(E.c.seq)
        .offset(position)
        .limit(limit)
    )
    return [record_of(OutboxEvent, row) for row in await conn.execute(query)]


async def event_count(conn: Conn, account_id: str) -> int:
    query = select(func.count()).select_from(E).where(E.c.account_id == account_id)
    return int((await conn.execute(query)).scalar_one())
