"""Payment attempts (card and wallet): one row per attempt, updated as it moves from
``pending`` to its answer. No card number, no CVV."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, and_, bindparam, insert, select, update

from tender.domain.records import Attempt
from tender.domain.status import AttemptState, Status
from tender.storage.db import Conn
from tender.storage.tables import payment_attempts, payment_intents


class AttemptRows:
    """The attempt queries over one table: ``payment_attempts``, or ``setup_attempts`` (the same
    columns, ``intent_id`` naming the setup intent). Statements are built once, at import."""

    def __init__(self, table: Table) -> None:
        self.table = A = table
        self._insert = insert(A).returning(*A.c)
        self._update = update(A).where(A.c.id == bindparam("_id")).returning(*A.c)
        self._settle = (
            update(A)
            .where(A.c.id == bindparam("_id"), A.c.state == AttemptState.PENDING.value)
            .returning(*A.c)
        )
        self._by_id = select(A).where(A.c.id == bindparam("attempt_id"))
        by_token = select(A).where(A.c.token_hash == bindparam("token_hash"))
        self._by_token = by_token.order_by(A.c.created_at.desc())
        self._open = select(A).where(
            A.c.intent_id == bindparam("intent_id"),
            A.c.state.in_([AttemptState.PENDING.value, AttemptState.CHALLENGED.value]),
        )

    async def insert_attempt(self, conn: Conn, values: dict[str, Any]) -> Attempt:
        return attempt_of((await conn.execute(self._insert, values)).one())

    async def update_attempt(self, conn: Conn, attempt_id: str, values: dict[str, Any]) -> Attempt:
        row = (await conn.execute(self._update, {"_id": attempt_id, **values})).one()
        return attempt_of(row)

    async def settle_attempt(
        self, conn: Conn, attempt_id: str, values: dict[str, Any]
    ) -> Attempt | None:
        """Apply ``values`` to an attempt still pending (None if it is not any more)."""
        row = (await conn.execute(self._settle, {"_id": attempt_id, **values})).first()
        return attempt_of(row) if row is not None else None

    async def get_attempt(self, conn: Conn, attempt_id: str) -> Attempt | None:
        row = (await conn.execute(self._by_id, {"attempt_id": attempt_id})).first()
        return attempt_of(row) if row is not None else None

    async def attempts_by_token(self, conn: Conn, token_hash: str) -> list[Attempt]:
        """Attempts made with a client session secret, newest first."""
        rows = await conn.execute(self._by_token, {"token_hash": token_hash})
        return [attempt_of(row) for row in rows]

    async def open_attempts(self, conn: Conn, intent_id: str) -> list[Attempt]:
        """The intent's attempts still open: pending at the processor, or challenged."""
        return [attempt_of(row) for row in await conn.execute(self._open, {"intent_id": intent_id})]

    async def pending_attempts(self, conn: Conn, older_than: datetime, limit: int) -> list[str]:
        """Ids of attempts still waiting for the processor's answer, oldest first."""
        A = self.table
        query = (
            select(A.c.id)
            .where(A.c.state == AttemptState.PENDING.value, A.c.created_at <= older_than)
            .order_by(A.c.created_at)
            .limit(limit)
        )
        return [row[0] for row in await conn.execute(query)]


def attempt_of(row: Row[Any]) -> Attempt:
    values = dict(row._mapping)
    values["state"] = AttemptState(values["state"])
    return Attempt(**values)


PAYMENTS = AttemptRows(payment_attempts)
insert_attempt = PAYMENTS.insert_attempt
update_attempt = PAYMENTS.update_attempt
settle_attempt = PAYMENTS.settle_attempt
get_attempt = PAYMENTS.get_attempt
attempts_by_token = PAYMENTS.attempts_by_token
open_attempts = PAYMENTS.open_attempts
pending_attempts = PAYMENTS.pending_attempts


async def due_authorizations(conn: Conn, now: datetime, limit: int) -> list[str]:
    """Authorized (Manual) intents whose authorization has reached its release time."""
    T, A = payment_intents, payment_attempts
    query = (
        select(T.c.id)
        .join(A, and_(A.c.intent_id == T.c.id, A.c.state == AttemptState.SUCCEEDED.value))
        .where(T.c.status == Status.AUTHORIZED.value, A.c.release_at <= now)
        .order_by(A.c.release_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]
