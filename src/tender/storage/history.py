"""Everything that happened to one payment intent, for the dashboard's timeline: its attempts,
money movements, status events, and the webhook events about it with their deliveries and
every delivery attempt. Read-only; the caller has already checked the intent's account."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select

from tender.domain.records import Attempt, Capture, Movement, Refund, Reversal
from tender.domain.status import MovementKind
from tender.storage.attempts import attempt_of
from tender.storage.db import Conn
from tender.storage.movements import list_movements
from tender.storage.records import AttemptedDelivery, OutboxEvent, record_of
from tender.storage.tables import (
    outbox_events,
    payment_attempts,
    webhook_attempts,
    webhook_deliveries,
    webhook_subscriptions,
)

M = TypeVar("M", Capture, Refund, Reversal)


async def attempts(conn: Conn, intent_id: str) -> list[Attempt]:
    """Every attempt, challenged ones too, oldest first."""
    A = payment_attempts
    query = select(A).where(A.c.intent_id == intent_id).order_by(A.c.created_at, A.c.id)
    return [attempt_of(row) for row in await conn.execute(query)]


def _oldest_first(kind: type[M], found: Sequence[Movement]) -> list[M]:
    return sorted((m for m in found if isinstance(m, kind)), key=lambda m: (m.created_at, m.id))


async def movements(
    conn: Conn, intent_id: str
) -> tuple[list[Capture], list[Refund], list[Reversal]]:
    """The intent's captures, refunds and reversals (every status), oldest first."""
    ids = [intent_id]
    return (
        _oldest_first(Capture, await list_movements(conn, MovementKind.CAPTURE, ids)),
        _oldest_first(Refund, await list_movements(conn, MovementKind.REFUND, ids)),
        _oldest_first(Reversal, await list_movements(conn, MovementKind.REVERSAL, ids)),
    )


async def webhook_events(conn: Conn, intent_id: str) -> list[OutboxEvent]:
    E = outbox_events
    query = select(E).where(E.c.intent_id == intent_id).order_by(E.c.seq)
    return [record_of(OutboxEvent, row) for row in await conn.execute(query)]


async def delivery_attempts(conn: Conn, event_seqs: Sequence[int]) -> list[AttemptedDelivery]:
    """Each delivery of these events with its subscription's URL and every HTTP attempt (one
    per attempt; a delivery not yet attempted comes once, with no attempt number)."""
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
    return [record_of(AttemptedDelivery, row) for row in await conn.execute(query)]


async def recent_events(conn: Conn, account_id: str, limit: int) -> list[OutboxEvent]:
    """The account's latest outbox events, newest first (the live stream's first screen)."""
    E = outbox_events
    query = select(E).where(E.c.account_id == account_id).order_by(E.c.seq.desc()).limit(limit)
    return [record_of(OutboxEvent, row) for row in await conn.execute(query)]
