"""The transactional outbox: an event row written in the transaction of the change it reports."""

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from tender.storage.db import Conn
from tender.storage.tables import outbox_events

INSERT = insert(outbox_events)


async def record_event(
    conn: Conn,
    *,
    id: str,
    account_id: str,
    intent_id: str | None,
    event: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    values = {"id": id, "account_id": account_id, "intent_id": intent_id, "event": event}
    await conn.execute(INSERT, {**values, "payload": payload, "created_at": now})


async def record_events(conn: Conn, rows: list[dict[str, Any]]) -> None:
    """Several events in one statement, their ``seq`` in list order."""
    await conn.execute(INSERT, rows)
