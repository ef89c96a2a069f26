"""Payment-intent rows: insert, load (optionally row-locked), search by cursor, update; and the
intent's ``paymentEvents`` history. Reads return ``domain.records`` values, never raw rows."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, insert, or_, select, update
from sqlalchemy.sql import Select

from tender.domain.records import Intent, PaymentEvent
from tender.domain.status import CaptureMode, Status
from tender.storage.db import Conn
from tender.storage.tables import payment_events, payment_intents

T = payment_intents
# Built once: a request binds values to these instead of building statements.
INSERT = insert(T).returning(*T.c)
BY_ID = select(T).where(T.c.id == bindparam("intent_id"))
BY_ACCOUNT = BY_ID.where(T.c.account_id == bindparam("account_id"))
BY_SECRET = select(T).where(T.c.client_secret == bindparam("secret"))
LOCKED = {query: query.with_for_update() for query in (BY_ID, BY_ACCOUNT, BY_SECRET)}
SKIP_LOCKED = BY_ID.with_for_update(skip_locked=True)
UPDATE = (
    update(T)
    .where(T.c.id == bindparam("_id"), T.c.version == bindparam("_version"))
    .returning(*T.c)
)
INSERT_EVENT = insert(payment_events)


def intent_of(row: Row[Any]) -> Intent:
    values = dict(row._mapping)
    values["status"] = Status(values["status"])
    values["capture_mode"] = CaptureMode(values["capture_mode"])
    return Intent(**values)


async def _one(
    conn: Conn, query: Select[Any], params: dict[str, Any], for_update: bool
) -> Intent | None:
    row = (await conn.execute(LOCKED[query] if for_update else query, params)).first()
    return intent_of(row) if row is not None else None


async def insert_intent(conn: Conn, values: dict[str, Any]) -> Intent:
    return intent_of((await conn.execute(INSERT, values)).one())


async def get_intent(
    conn: Conn, account_id: str, intent_id: str, *, for_update: bool = False
) -> Intent | None:
    """The intent if it belongs to ``account_id``; ``for_update`` takes its row lock."""
    params = {"intent_id": intent_id, "account_id": account_id}
    return await _one(conn, BY_ACCOUNT, params, for_update)


async def get_intent_any_account(
    conn: Conn, intent_id: str, *, for_update: bool = False
) -> Intent | None:
    """For the public (customer-side) endpoints and the workers, which know the id but no key."""
    return await _one(conn, BY_ID, {"intent_id": intent_id}, for_update)


async def get_intent_by_secret(
    conn: Conn, secret: str, *, for_update: bool = False
) -> Intent | None:
    return await _one(conn, BY_SECRET, {"secret": secret}, for_update)


async def lock_intent_or_skip(conn: Conn, intent_id: str) -> Intent | None:
    """The intent row-locked, or None if another worker holds it (SKIP LOCKED; on SQLite the
    write transaction already serializes writers)."""
    row = (await conn.execute(SKIP_LOCKED, {"intent_id": intent_id})).first()
    return intent_of(row) if row is not None else None


async def update_intent(conn: Conn, intent: Intent, values: dict[str, Any]) -> Intent:
    """Apply ``values``, bump the version and return the intent as it now is; the caller holds
    the row lock."""
    params = {"_id": intent.id, "_version": intent.version, **values}
    row = (await conn.execute(UPDATE, {**params, "version": intent.version + 1})).first()
    if row is None:  # a lock was not held: a bug, never a user error
        raise RuntimeError(f"lost update on {intent.id}")
    return intent_of(row)


async def search_intents(
    conn: Conn,
    account_id: str,
    *,
    statuses: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    after: tuple[datetime, str] | None,
    before: tuple[datetime, str] | None,
) -> list[Intent]:
    """Newest first. ``after`` continues towards older intents, ``before`` towards newer ones.

    Returns up to ``limit + 1`` intents, so the caller can tell whether another page exists in
    the direction it moved: newest first, except with ``before`` (oldest first; the caller
    reverses after trimming).
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
        query = query.order_by(T.c.created_at.asc(), T.c.id.asc())
    else:
        query = query.order_by(T.c.created_at.desc(), T.c.id.desc())
    return [intent_of(row) for row in await conn.execute(query.limit(limit + 1))]


async def due_unpaid(conn: Conn, now: datetime, limit: int) -> list[str]:
    """Created intents whose ``expireAt`` has passed."""
    query = (
        select(T.c.id)
        .where(T.c.status == Status.CREATED.value, T.c.expire_at <= now)
        .order_by(T.c.expire_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]


async def add_payment_event(
    conn: Conn, intent_id: str, event_type: str, now: datetime, **fields: Any
) -> None:
    values = {"intent_id": intent_id, "event_type": event_type, "created_at": now, **fields}
    await conn.execute(INSERT_EVENT, values)


async def list_payment_events(conn: Conn, intent_ids: Sequence[str]) -> list[PaymentEvent]:
    if not intent_ids:
        return []
    query = (
        select(payment_events)
        .where(payment_events.c.intent_id.in_(list(intent_ids)))
        .order_by(payment_events.c.id)
    )
    return [PaymentEvent(**row._mapping) for row in await conn.execute(query)]
