"""Payment attempts and money movements (captures, refunds, reversals): append-only rows.

Repositories never commit; the service layer calls them inside the transaction that holds the
intent's row lock, so the sums read here are the truth the next movement is checked against.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.storage.tables import (
    captures,
    payment_attempts,
    payment_intents,
    refunds,
    reversals,
)

A = payment_attempts
SUCCEEDED = "succeeded"
CHALLENGED = "challenged"


async def insert_attempt(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(A).values(**values))


async def update_attempt(conn: AsyncConnection, attempt_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(A).where(A.c.id == attempt_id).values(**values))


async def get_attempt(conn: AsyncConnection, attempt_id: str) -> Row | None:
    return (await conn.execute(select(A).where(A.c.id == attempt_id))).first()


async def attempts_by_token(conn: AsyncConnection, token_hash: str) -> list[Row]:
    """Attempts made with a client session secret, newest first."""
    query = select(A).where(A.c.token_hash == token_hash).order_by(A.c.created_at.desc())
    return list((await conn.execute(query)).all())


async def successful_attempts(conn: AsyncConnection, intent_ids: Sequence[str]) -> list[Row]:
    query = select(A).where(A.c.intent_id.in_(list(intent_ids)), A.c.state == SUCCEEDED)
    return list((await conn.execute(query)).all())


async def latest_finished_attempts(conn: AsyncConnection, intent_ids: Sequence[str]) -> list[Row]:
    """Each intent's attempts that reached an answer, oldest first."""
    query = (
        select(A)
        .where(A.c.intent_id.in_(list(intent_ids)), A.c.completed_at.is_not(None))
        .order_by(A.c.completed_at, A.c.id)
    )
    return list((await conn.execute(query)).all())


async def insert_capture(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(captures).values(**values))


async def insert_refund(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(refunds).values(**values))


async def insert_reversal(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(reversals).values(**values))


async def list_captures(conn: AsyncConnection, intent_ids: Sequence[str]) -> list[Row]:
    query = (
        select(captures)
        .where(captures.c.intent_id.in_(list(intent_ids)))
        .order_by(captures.c.created_at, captures.c.id)
    )
    return list((await conn.execute(query)).all())


async def refund_totals(conn: AsyncConnection, intent_ids: Sequence[str]) -> dict[str, int]:
    query = (
        select(refunds.c.intent_id, func.coalesce(func.sum(refunds.c.amount), 0))
        .where(refunds.c.intent_id.in_(list(intent_ids)), refunds.c.status == "Successful")
        .group_by(refunds.c.intent_id)
    )
    return {row[0]: int(row[1]) for row in (await conn.execute(query)).all()}


async def reversal_totals(conn: AsyncConnection, intent_ids: Sequence[str]) -> dict[str, int]:
    query = (
        select(reversals.c.intent_id, func.coalesce(func.sum(reversals.c.amount), 0))
        .where(reversals.c.intent_id.in_(list(intent_ids)))
        .group_by(reversals.c.intent_id)
    )
    return {row[0]: int(row[1]) for row in (await conn.execute(query)).all()}


async def get_refund(conn: AsyncConnection, account_id: str, refund_id: str) -> Row | None:
    query = (
        select(refunds)
        .join(payment_intents, payment_intents.c.id == refunds.c.intent_id)
        .where(refunds.c.id == refund_id, payment_intents.c.account_id == account_id)
    )
    return (await conn.execute(query)).first()


async def due_unpaid(conn: AsyncConnection, now: datetime, limit: int) -> list[str]:
    """Created intents whose ``expireAt`` has passed."""
    T = payment_intents
    query = (
        select(T.c.id)
        .where(T.c.status == "Created", T.c.expire_at <= now)
        .order_by(T.c.expire_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]


async def due_authorizations(conn: AsyncConnection, now: datetime, limit: int) -> list[str]:
    """Authorized (Manual) intents whose authorization has reached its release time."""
    T = payment_intents
    query = (
        select(T.c.id)
        .join(A, and_(A.c.intent_id == T.c.id, A.c.state == SUCCEEDED))
        .where(T.c.status == "Authorized", A.c.release_at <= now)
        .order_by(A.c.release_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]


async def lock_intent_or_skip(conn: AsyncConnection, intent_id: str) -> Row | None:
    """The intent row-locked, or None if another worker holds it (SKIP LOCKED; on SQLite the
    write transaction already serializes writers)."""
    query = select(payment_intents).where(payment_intents.c.id == intent_id)
    query = query.with_for_update(skip_locked=True)
    return (await conn.execute(query)).first()
