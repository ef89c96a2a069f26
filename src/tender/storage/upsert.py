"""``INSERT … ON CONFLICT DO NOTHING`` on either dialect, each statement built once per table."""

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from tender.storage.db import Conn


@cache
def ignoring_conflicts(dialect: str, table: Table, conflict: tuple[str, ...]) -> Insert:
    """The statement, built once per dialect, table and conflict columns."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict))


async def insert_ignore(
    conn: Conn, table: Table, values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """Insert a row unless one with the same ``conflict`` columns exists; True if inserted."""
    statement = ignoring_conflicts(conn.dialect.name, table, tuple(conflict))
    result = await conn.execute(statement, values)
    return result.rowcount == 1
