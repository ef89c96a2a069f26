"""Payment-intent rows: insert, load (optionally row-locked), search by cursor, update."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.storage.tables import payment_events, payment_intents

T = payment_intents


async def insert_intent(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(T).values(**values))


async def get_intent(
    conn: AsyncConnection, account_id: str, intent_id: str, *, for_update: bool = False
) -> Row | None:
    """The intent if it belongs to ``account_id``; ``for_update`` takes its row lock."""
    query = select(T).where(T.c.id == intent_id, T.c.account_id == account_id)
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).first()


async def get_intent_any_account(
    conn: AsyncConnection, intent_id: str, *, for_update: bool = False
) -> Row | None:
    """For the public (customer-side) endpoints, which know the id but no key."""
    query = select(T).where(T.c.id == intent_id)
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).first()


async def get_intent_by_secret(
    conn: AsyncConnection, secret: str, *, for_update: bool = False
) -> Row | None:
    query = select(T).where(T.c.client_secret == secret)
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).first()


async def update_intent(
    conn: AsyncConnection, intent_id: str, version: int, values: dict[str, Any]
) -> None:
    """Apply ``values`` and bump the version; the caller holds the row lock."""
    result = await conn.execute(
        update(T)
        .where(T.c.id == intent_id, T.c.version == version)
        .values(**values, version=version + 1)
    )
    if result.rowcount != 1:  # a lock was not held: a bug, never a user error
        raise RuntimeError(f"lost update on {intent_id}")


async def search_intents(
    conn: AsyncConnection,
    account_id: str,
    *,
    statuses: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    after: tuple[datetime, str] | None,
    before: tuple[datetime, str] | None,
) -> list[Row]:
    """Newest first. ``after`` continues towards older intents, ``before`` towards newer ones.

    Returns up to ``limit + 1`` rows in newest-first order, so the caller can tell whether
    another page exists in the direction it moved.
    """
    query = select(T).where(T.c.account_id == account_id)
    if statuses:
        query = query.where(T.c.status.in_(list(statuses)))
    if start:
        query = query.where(T.c.created_at >= start)
    if end:
        query = query.where(T.c.created_at <= end)
    key = (T.c.created_at, T.c.id)
    if after:
        at, id_ = after
        query = query.where(or_(key[0] < at, and_(key[0] == at, key[1] < id_)))
    if before:
        at, id_ = before
        query = query.where(or_(key[0] > at, and_(key[0] == at, key[1] > id_)))
        query = query.order_by(T.c.created_at.asc(), T.c.id.asc()).limit(limit + 1)
        rows = list((await conn.execute(query)).all())
        return rows  # oldest first here; the caller reverses after trimming
    query = query.order_by(T.c.created_at.desc(), T.c.id.desc()).limit(limit + 1)
    return list((await conn.execute(query)).all())


async def add_payment_event(
    conn: AsyncConnection, intent_id: str, event_type: str, now: datetime, **fields: Any
) -> None:
    await conn.execute(
        insert(payment_events).values(
            intent_id=intent_id, event_type=event_type, created_at=now, **fields
        )
    )


async def list_payment_events(conn: AsyncConnection, intent_ids: Sequence[str]) -> list[Row]:
    if not intent_ids:
        return []
    query = (
        select(payment_events)
        .where(payment_events.c.intent_id.in_(list(intent_ids)))
        .order_by(payment_events.c.id)
    )
    return list((await conn.execute(query)).all())
