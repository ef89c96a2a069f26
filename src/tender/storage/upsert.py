"""``INSERT … ON CONFLICT DO NOTHING`` on either dialect."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tender.storage.db import Conn


async def insert_ignore(
    conn: Conn, table: Table, values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """Insert a row unless one with the same ``conflict`` columns exists; True if inserted."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    result = await conn.execute(statement)
    return result.rowcount == 1
