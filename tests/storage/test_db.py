"""The database layer's own duties: SQLite's write-ahead log is copied back by the checkpointer
thread, not by a request; a PostgreSQL connection the server closed is never handed out."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from tender.ids import new_id
from tender.storage.db import AUTOCHECKPOINT_PAGES, Database
from tender.storage.tables import accounts
from tests.conftest import backend

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def size(path: Path) -> int:
    return path.stat().st_size


async def write_accounts(db: Database, count: int) -> None:
    for _ in range(count):
        async with db.transaction() as conn:
            await conn.execute(
                insert(accounts),
                {"id": new_id("acc"), "name": "x" * 90, "environment": "sandbox",
                 "currencies": ["GBP"] * 200, "created_at": NOW},
            )  # fmt: skip


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's write-ahead log")
async def test_the_checkpointer_copies_the_log_back_while_requests_only_append(
    database_url: str,
) -> None:
    db = Database(database_url)
    path = Path(database_url.removeprefix("sqlite:///"))
    try:
        async with db.transaction() as conn:  # the log holds nothing older than this test's rows
            await conn.execute(text("SELECT 1"))
        before = size(path)
        await write_accounts(db, 300)  # ~300 pages of log, far below a writer's own checkpoint
        assert AUTOCHECKPOINT_PAGES > 300
        for _ in range(50):  # the thread runs every 0.2 s
            if size(path) > before:
                break
            await asyncio.sleep(0.1)
        assert size(path) > before, "nothing was copied back into the database file"
        async with db.transaction(write=False) as conn:
            count = (await conn.execute(select(accounts.c.id))).all()
        assert len(count) >= 300
    finally:
        await db.dispose()
    assert db._checkpointer is None


@pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's connection pool")
async def test_a_connection_the_server_closed_is_replaced_not_used(database_url: str) -> None:
    db = Database(database_url)
    other = Database(database_url)
    try:
        async with db.transaction() as conn:
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        async with other.transaction() as conn:  # the server ends the pooled connection
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await asyncio.sleep(0.3)  # the client reads the server's goodbye
        async with db.transaction() as conn:
            again = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != pid
    finally:
        await db.dispose()
        await other.dispose()
