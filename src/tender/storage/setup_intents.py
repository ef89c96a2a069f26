"""Setup-intent rows, their ``setupEvents`` and the customer's attempts to authorize a card on
them. Reads return ``domain`` records, never raw rows."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update

from tender.domain.setup import SetupEvent, SetupIntent, SetupStatus
from tender.storage.attempts import AttemptRows
from tender.storage.db import Conn
from tender.storage.tables import setup_attempts, setup_events, setup_intents

T = setup_intents
INSERT = insert(T).returning(*T.c)
BY_ID = select(T).where(T.c.id == bindparam("intent_id"))
BY_ACCOUNT = BY_ID.where(T.c.account_id == bindparam("account_id"))
BY_SECRET = select(T).where(T.c.client_secret == bindparam("secret"))
UPDATE = (
    update(T)
    .where(T.c.id == bindparam("_id"), T.c.version == bindparam("_version"))
    .returning(*T.c)
)


def setup_of(row: Row[Any]) -> SetupIntent:
    values = dict(row._mapping)
    values["status"] = SetupStatus(values["status"])
    return SetupIntent(**values)


async def _one(conn: Conn, query: Any, params: dict[str, Any], lock: bool) -> SetupIntent | None:
    row = (await conn.execute(query.with_for_update() if lock else query, params)).first()
    return setup_of(row) if row is not None else None


async def insert_setup(conn: Conn, values: dict[str, Any]) -> SetupIntent:
    return setup_of((await conn.execute(INSERT, values)).one())


async def get_setup(
    conn: Conn, account_id: str, setup_id: str, *, for_update: bool = False
) -> SetupIntent | None:
    """The setup intent if it belongs to ``account_id``."""
    return await _one(
        conn, BY_ACCOUNT, {"intent_id": setup_id, "account_id": account_id}, for_update
    )


async def get_setup_any_account(
    conn: Conn, setup_id: str, *, for_update: bool = False
) -> SetupIntent | None:
    return await _one(conn, BY_ID, {"intent_id": setup_id}, for_update)


async def get_setup_by_secret(
    conn: Conn, secret: str, *, for_update: bool = False
) -> SetupIntent | None:
    return await _one(conn, BY_SECRET, {"secret": secret}, for_update)


async def update_setup(conn: Conn, setup: SetupIntent, values: dict[str, Any]) -> SetupIntent:
    """Apply ``values`` and bump the version; the caller holds the row lock."""
    params = {"_id": setup.id, "_version": setup.version, **values}
    row = (await conn.execute(UPDATE, {**params, "version": setup.version + 1})).first()
    if row is None:
        raise RuntimeError(f"lost update on {setup.id}")
    return setup_of(row)


async def due_unauthorized(conn: Conn, now: datetime, limit: int) -> list[str]:
    """Created setup intents whose ``expireAt`` has passed."""
    query = (
        select(T.c.id)
        .where(T.c.status == SetupStatus.CREATED.value, T.c.expire_at <= now)
        .order_by(T.c.expire_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]


async def due_card_expiry(conn: Conn, now: datetime, limit: int) -> list[str]:
    """Authorized setup intents whose card has expired."""
    query = (
        select(T.c.id)
        .where(T.c.status == SetupStatus.AUTHORIZED.value, T.c.card_expires_at <= now)
        .order_by(T.c.card_expires_at)
        .limit(limit)
    )
    return [row[0] for row in (await conn.execute(query)).all()]


async def add_setup_event(
    conn: Conn, setup_id: str, event_type: str, now: datetime, **fields: Any
) -> None:
    values = {"setup_intent_id": setup_id, "event_type": event_type, "created_at": now, **fields}
    await conn.execute(insert(setup_events), values)


async def list_setup_events(conn: Conn, setup_ids: Sequence[str]) -> list[SetupEvent]:
    if not setup_ids:
        return []
    E = setup_events
    query = select(E).where(E.c.setup_intent_id.in_(list(setup_ids))).order_by(E.c.id)
    return [SetupEvent(**row._mapping) for row in await conn.execute(query)]


# --- attempts: the payment attempts' queries over setup_attempts ----------------------------

ATTEMPTS = AttemptRows(setup_attempts)
insert_attempt = ATTEMPTS.insert_attempt
update_attempt = ATTEMPTS.update_attempt
settle_attempt = ATTEMPTS.settle_attempt
get_attempt = ATTEMPTS.get_attempt
attempts_by_token = ATTEMPTS.attempts_by_token
open_attempts = ATTEMPTS.open_attempts
pending_attempts = ATTEMPTS.pending_attempts
