"""The engine and the one way to open a transaction.

SQLite: WAL mode, a busy timeout, and ``BEGIN IMMEDIATE`` for write transactions, so two writers
queue on the database lock up front instead of failing to upgrade a read lock half-way.
PostgreSQL: READ COMMITTED plus explicit row locks (``SELECT … FOR UPDATE``) in repositories.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from tender.config import async_database_url

_WRITE = "tender_write"


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a file-based SQLite database (``./var`` by default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = async_database_url(url)
    ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=30000",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """Owns the engine. Only the service layer calls ``transaction``."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.engine = create_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        # SQLite has one writer at a time: queue this process's writers here, in order, instead
        # of letting them poll the database lock (the busy handler sleeps up to 100 ms a try).
        self._writers = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncConnection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with contextlib.AsyncExitStack() as stack:
            if write and self._writers is not None:
                await stack.enter_async_context(self._writers)
            conn = await stack.enter_async_context(self.engine.connect())
            if write:
                await conn.execution_options(**{_WRITE: True})
            async with conn.begin():
                yield conn

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
