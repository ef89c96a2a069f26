"""Payment attempts (card and wallet): one row per attempt, updated as it moves from
``pending`` to its answer. No card number, no CVV."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, insert, select, update

from tender.domain.records import Attempt
from tender.domain.status import AttemptState, Status
from tender.storage.db import Conn
from tender.storage.tables import payment_attempts, payment_intents

A = payment_attempts
INSERT = insert(A).returning(*A.c)
UPDATE = update(A).where(A.c.id == bindparam("_id")).returning(*A.c)
SETTLE = (
    update(A)
    .where(A.c.id == bindparam("_id"), A.c.state == AttemptState.PENDING.value)
    .returning(*A.c)
)
BY_ID = select(A).where(A.c.id == bindparam("attempt_id"))
OPEN = select(A).where(
    A.c.intent_id == bindparam("intent_id"),
    A.c.state.in_([AttemptState.PENDING.value, AttemptState.CHALLENGED.value]),
)


def attempt_of(row: Row[Any]) -> Attempt:
    values = dict(row._mapping)
    values["state"] = AttemptState(values["state"])
    return Attempt(**values)


async def insert_attempt(conn: Conn, values: dict[str, Any]) -> Attempt:
    return attempt_of((await conn.execute(INSERT, values)).one())


async def update_attempt(conn: Conn, attempt_id: str, values: dict[str, Any]) -> Attempt:
    return attempt_of((await conn.execute(UPDATE, {"_id": attempt_id, **values})).one())


async def settle_attempt(conn: Conn, attempt_id: str, values: dict[str, Any]) -> Attempt | None:
    """Apply ``values`` to an attempt still pending (None if it is not any more)."""
    row = (await conn.execute(SETTLE, {"_id": attempt_id, **values})).first()
    return attempt_of(row) if row is not None else None


async def get_attempt(conn: Conn, attempt_id: str) -> Attempt | None:
    row = (await conn.execute(BY_ID, {"attempt_id": attempt_id})).first()
    return attempt_of(row) if row is not None else None


async def attempts_by_token(conn: Conn, token_hash: str) -> list[Attempt]:
    """Attempts made with a client session secret, newest first."""
    query = select(A).where(A.c.token_hash == token_hash).order_by(A.c.created_at.desc())
    return [attempt_of(row) for row in await conn.execute(query)]


async def open_attempts(conn: Conn, intent_id: str) -> list[Attempt]:
    """The intent's attempts still open: pending at the processor, or challenged."""
    return [attempt_of(row) for row in await conn.execute(OPEN, {"intent_id": intent_id})]


async def pending_attempts(conn: Conn, older_than: datetime, limit: int) -> list[str]:
    """Ids of attempts still waiting for the processor's answer, oldest first."""
    query = (
        select(A.c.id)
        .where(A.c.state == AttemptState.PENDING.value, A.c.created_at <= older_than)
        .order_by(A.c.created_at)
        .limit(limit)
    )
    return [row[0] for row in await conn.execute(query)]


async def due_authorizations(conn: Conn, now: datetime, limit: int) -> list[str]:
    """Authorized (Manual) intents whose authorization has reached its release time."""
    T = payment_intents
    query = (
        select(T.c.id)
        .join(A, and_(A.c.intent_id == T.c.id, A.c.state == AttemptState.SUCCEEDED.value))
        .where(T.c.status == Status.AUTHORIZED.value, A.c.release_at <= now)
        .order_by(A.c.release_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]
