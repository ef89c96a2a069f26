"""Fixed-window rate-limit counters in the database (used when no Redis is configured).

One row per counter; ``incr`` is a single atomic upsert, so API processes sharing one
PostgreSQL count together without locks held across statements.
"""

from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tender.storage.db import Conn
from tender.storage.tables import rate_limit_counters as T


async def incr(conn: Conn, key: str, amount: int, now_ms: int, expiry_ms: int) -> int:
    """Add ``amount`` to the counter (restarting it if its window has ended); the new count."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    fresh = insert(T).values(key=key, hits=amount, expires_at_ms=now_ms + expiry_ms)
    ended = T.c.expires_at_ms <= now_ms
    statement = fresh.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((ended, amount), else_=T.c.hits + amount),
            "expires_at_ms": case((ended, now_ms + expiry_ms), else_=T.c.expires_at_ms),
        },
    ).returning(T.c.hits)
    return int((await conn.execute(statement)).scalar_one())


async def get(conn: Conn, key: str, now_ms: int) -> tuple[int, int | None]:
    """(count, window end in ms) of a live counter; (0, None) if none or ended."""
    row = (await conn.execute(select(T.c.hits, T.c.expires_at_ms).where(T.c.key == key))).first()
    if row is None or row.expires_at_ms <= now_ms:
        return 0, None
    return int(row.hits), int(row.expires_at_ms)


GET_MANY = select(T.c.key, T.c.hits).where(
    T.c.key.in_(bindparam("keys", expanding=True)), T.c.expires_at_ms > bindparam("now_ms")
)


async def get_many(conn: Conn, keys: list[str], now_ms: int) -> dict[str, int]:
    """Counts of the live counters among ``keys``, in one statement (absent: none or ended)."""
    rows = await conn.execute(GET_MANY, {"keys": list(keys), "now_ms": now_ms})
    return {row.key: int(row.hits) for row in rows}


async def clear(conn: Conn, key: str) -> None:
    await conn.execute(delete(T).where(T.c.key == key))


async def clear_all(conn: Conn) -> int:
    return (await conn.execute(delete(T))).rowcount or 0


async def purge_ended(conn: Conn, now_ms: int) -> int:
    return (await conn.execute(delete(T).where(T.c.expires_at_ms <= now_ms))).rowcount or 0
