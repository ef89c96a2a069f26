"""Money movements (captures, refunds, reversals): one row each, written ``Pending`` before the
processor is asked and updated once with its answer; never deleted.

Repositories never commit; the service layer calls them inside the transaction that holds the
intent's row lock, so the rows read here are the truth the next movement is checked against.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, insert, select, update

from tender.domain.records import Capture, Movement, Refund, Reversal
from tender.domain.status import MovementKind, MovementStatus
from tender.storage.db import Conn
from tender.storage.tables import captures, payment_intents, refunds, reversals

TABLES: dict[MovementKind, Table] = {
    MovementKind.CAPTURE: captures,
    MovementKind.REFUND: refunds,
    MovementKind.REVERSAL: reversals,
}
INSERT = {kind: insert(table).returning(*table.c) for kind, table in TABLES.items()}
SETTLE = {
    kind: update(table)
    .where(table.c.id == bindparam("_id"), table.c.status == MovementStatus.PENDING.value)
    .returning(*table.c)
    for kind, table in TABLES.items()
}
BY_ID = {
    kind: select(table).where(table.c.id == bindparam("movement_id"))
    for kind, table in TABLES.items()
}
RECORDS: dict[MovementKind, type[Capture] | type[Refund] | type[Reversal]] = {
    MovementKind.CAPTURE: Capture,
    MovementKind.REFUND: Refund,
    MovementKind.REVERSAL: Reversal,
}


def kind_of(movement: Movement) -> MovementKind:
    if isinstance(movement, Capture):
        return MovementKind.CAPTURE
    return MovementKind.REFUND if isinstance(movement, Refund) else MovementKind.REVERSAL


def _record(kind: MovementKind, row: Row[Any]) -> Movement:
    values = dict(row._mapping)
    values["status"] = MovementStatus(values["status"])
    return RECORDS[kind](**values)


async def insert_movement(conn: Conn, kind: MovementKind, values: dict[str, Any]) -> Movement:
    return _record(kind, (await conn.execute(INSERT[kind], values)).one())


async def settle_movement(
    conn: Conn,
    kind: MovementKind,
    movement_id: str,
    *,
    status: MovementStatus,
    message: str,
    transaction_id: str | None,
) -> Movement | None:
    """Record the processor's answer on a movement if it is still pending (None if not)."""
    values = {"status": status.value, "message": message[:200], "transaction_id": transaction_id}
    row = (await conn.execute(SETTLE[kind], {"_id": movement_id, **values})).first()
    return _record(kind, row) if row is not None else None


async def get_movement(conn: Conn, kind: MovementKind, movement_id: str) -> Movement | None:
    row = (await conn.execute(BY_ID[kind], {"movement_id": movement_id})).first()
    return _record(kind, row) if row is not None else None


async def list_movements(
    conn: Conn, kind: MovementKind, intent_ids: Sequence[str]
) -> list[Movement]:
    table = TABLES[kind]
    query = select(table).where(table.c.intent_id.in_(list(intent_ids)))
    return [_record(kind, row) for row in await conn.execute(query)]


async def pending_movements(
    conn: Conn, older_than: datetime, limit: int
) -> list[tuple[MovementKind, str]]:
    """(kind, id) of movements still waiting for the processor's answer, oldest first."""
    found: list[tuple[datetime, MovementKind, str]] = []
    for kind, table in TABLES.items():
        query = (
            select(table.c.id, table.c.created_at)
            .where(table.c.status == MovementStatus.PENDING.value, table.c.created_at <= older_than)
            .order_by(table.c.created_at)
            .limit(limit)
        )
        found += [(row.created_at, kind, row.id) for row in await conn.execute(query)]
    return [(kind, id_) for _, kind, id_ in sorted(found)[:limit]]


async def get_refund(conn: Conn, account_id: str, refund_id: str) -> Refund | None:
    query = (
        select(refunds)
        .join(payment_intents, payment_intents.c.id == refunds.c.intent_id)
        .where(refunds.c.id == refund_id, payment_intents.c.account_id == account_id)
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    refund = _record(MovementKind.REFUND, row)
    assert isinstance(refund, Refund)
    return refund
