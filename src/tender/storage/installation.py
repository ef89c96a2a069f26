"""Installation secrets: named values generated once and shared by every process."""

from datetime import datetime

from sqlalchemy import select

from tender.storage.db import Conn
from tender.storage.tables import installation_secrets as T
from tender.storage.upsert import insert_ignore


async def get(conn: Conn, name: str) -> str | None:
    return (await conn.execute(select(T.c.value).where(T.c.name == name))).scalar()


async def put_if_absent(conn: Conn, name: str, value: str, now: datetime) -> None:
    """Store ``value`` unless another process stored one first (that one wins)."""
    await insert_ignore(conn, T, {"name": name, "value": value, "created_at": now}, ["name"])
