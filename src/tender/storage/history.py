"""Everything that happened to one payment intent, for the dashboard's timeline: its attempts,
money movements, status events, and the webhook events about it with their deliveries and
every delivery attempt. Read-only; the caller has already checked the intent's account."""

from collections.abc import Sequence

from sqlalchemy import Row, select

from tender.storage.db import Conn
from tender.storage.tables import (
    captures,
    outbox_events,
    payment_attempts,
    payment_events,
    refunds,
    reversals,
    webhook_attempts,
    webhook_deliveries,
    webhook_subscriptions,
)


async def _all(conn: Conn, query: object) -> Sequence[Row]:
    return (await conn.execute(query)).all()  # type: ignore[call-overload]


async def attempts(conn: Conn, intent_id: str) -> Sequence[Row]:
    A = payment_attempts
    query = select(A).where(A.c.intent_id == intent_id).order_by(A.c.created_at, A.c.id)
    return await _all(conn, query)


async def movements(
    conn: Conn, intent_id: str
) -> tuple[Sequence[Row], Sequence[Row], Sequence[Row]]:
    """The intent's captures, refunds and reversals (every status), oldest first."""
    found = []
    for table in (captures, refunds, reversals):
        query = (
            select(table)
            .where(table.c.intent_id == intent_id)
            .order_by(table.c.created_at, table.c.id)
        )
        found.append(await _all(conn, query))
    return found[0], found[1], found[2]


async def status_events(conn: Conn, intent_id: str) -> Sequence[Row]:
    E = payment_events
    return await _all(conn, select(E).where(E.c.intent_id == intent_id).order_by(E.c.id))


async def webhook_events(conn: Conn, intent_id: str) -> Sequence[Row]:
    E = outbox_events
    return await _all(conn, select(E).where(E.c.intent_id == intent_id).order_by(E.c.seq))


async def delivery_attempts(conn: Conn, event_seqs: Sequence[int]) -> Sequence[Row]:
    """Each delivery of these events with its subscription's URL and every HTTP attempt (one row
    per attempt; a delivery not yet attempted comes once, with null attempt columns)."""
    if not event_seqs:
        return []
    D, W, S = webhook_deliveries, webhook_attempts, webhook_subscriptions
    query = (
        select(
            D.c.id.label("delivery_id"),
            D.c.event_seq,
            D.c.subscription_id,
            D.c.status.label("delivery_status"),
            D.c.created_at.label("delivery_created_at"),
            S.c.url,
            W.c.number,
            W.c.started_at,
            W.c.duration_ms,
            W.c.status_code,
            W.c.error,
        )
        .join(S, S.c.id == D.c.subscription_id)
        .outerjoin(W, W.c.delivery_id == D.c.id)
        .where(D.c.event_seq.in_(list(event_seqs)))
        .order_by(D.c.event_seq, D.c.id, W.c.number)
    )
    return await _all(conn, query)


async def recent_events(conn: Conn, account_id: str, limit: int) -> Sequence[Row]:
    """The account's latest outbox events, newest first (the live stream's first screen)."""
    E = outbox_events
    query = select(E).where(E.c.account_id == account_id).order_by(E.c.seq.desc()).limit(limit)
    return await _all(conn, query)
