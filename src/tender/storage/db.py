"""The engines and the one way to open a transaction.

SQLite: WAL mode, ``synchronous=NORMAL``, a busy timeout, and ``BEGIN IMMEDIATE`` for write
transactions, so two writers queue on the database lock up front instead of failing to upgrade a
read lock half-way. Transactions run their statements **on the event loop's thread** through the
synchronous sqlite3 driver (``LoopConnection``): a statement takes microseconds, far less than
handing each one to a worker thread and back (aiosqlite's way, measured at 3–4× the cost of the
whole transaction). Nothing inside a transaction waits on anything else, so a transaction never
yields the loop half-way; this process's writers still queue on an asyncio lock, in order, and
a writer of another process (``tender worker``, ``serve --workers N``) is waited for on the
loop: ``BEGIN IMMEDIATE`` fails at once while another process holds the lock, and is retried.
PostgreSQL: asyncpg through SQLAlchemy's asyncio engine, READ COMMITTED plus explicit row locks
(``SELECT … FOR UPDATE``) in repositories.

Repositories take a ``Conn``: either connection answers ``await conn.execute(statement,
parameters)`` with a buffered result.
"""

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, RootTransaction, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import CursorResult, Dialect, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql.base import Executable

from tender.config import async_database_url
from tender.storage import prepared

_WRITE = "tender_write"
# WAL pages before a committing writer checkpoints by itself: only a backstop, as the
# ``Checkpointer`` thread keeps the log far shorter than this.
AUTOCHECKPOINT_PAGES = 20000
PRAGMAS = (
    "journal_mode=WAL",
    "busy_timeout=30000",
    "foreign_keys=ON",
    "synchronous=NORMAL",
    f"wal_autocheckpoint={AUTOCHECKPOINT_PAGES}",
    "journal_size_limit=67108864",  # the log file is cut back to 64 MiB when it restarts
)
Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class Conn(Protocol):
    """What a repository needs of a connection inside a transaction."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(
        self, statement: Executable, parameters: Parameters = None
    ) -> CursorResult[Any]: ...


class LoopConnection:
    """A synchronous SQLite connection used from coroutines: each statement runs at once, on
    the calling (event-loop) thread, through its compiled plan where it has one
    (``storage.prepared``)."""

    __slots__ = ("_conn", "_statements")

    def __init__(self, conn: Connection, statements: prepared.Statements) -> None:
        self._conn = conn
        self._statements = statements

    @property
    def dialect(self) -> Dialect:
        return self._conn.dialect

    async def execute(
        self, statement: Executable, parameters: Parameters = None
    ) -> CursorResult[Any]:
        result: CursorResult[Any] = prepared.execute(
            self._statements, self._conn, statement, parameters
        )
        return result


def sqlite_file(url: str) -> str | None:
    """The file of a file-based SQLite database; None for another database or ``:memory:``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return str(Path(parsed.database).expanduser())


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a file-based SQLite database (``./var`` by default)."""
    if (path := sqlite_file(url)) is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """The asyncio engine (migrations, administration; every PostgreSQL transaction)."""
    url = async_database_url(url)
    ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no pooled connection the server has closed (a restart, an idle timeout): the pool
    then opens a new one. A local check, where ``pool_pre_ping`` would cost a round trip per
    transaction (measured: 29 → 23 ms of server CPU per payment flow)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the database server closed this connection")


def _sqlite_begin_or_fail(conn: Connection) -> None:
    """BEGIN; for a write, take the database's write lock now or fail at once: the event loop
    must never sleep in SQLite's busy handler while another process holds the lock."""
    if not conn.get_execution_options().get(_WRITE, False):
        conn.exec_driver_sql("BEGIN")
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    finally:
        raw.execute("PRAGMA busy_timeout = 30000")


def create_loop_engine(url: str) -> Engine:
    """SQLite through the synchronous driver, for ``LoopConnection`` transactions."""
    sync_url = make_url(async_database_url(url)).set(drivername="sqlite+pysqlite")
    engine = create_sync_engine(
        sync_url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_or_fail)
    return engine


class Checkpointer:
    """Copies the write-ahead log back into the database file on a thread of its own.

    Left to SQLite, the writer whose commit takes the log past 1,000 pages does the copy and its
    ``fsync``, on the event loop, stalling every request for it; a payment flow writes ~120
    pages. Here a passive checkpoint runs every ``interval`` seconds off the loop (sqlite3
    releases the GIL while it works) and never waits for a reader or a writer."""

    def __init__(self, path: str, interval: float = 0.2) -> None:
        self._path, self._interval = path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tender-checkpointer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, timeout=0, isolation_level=None)
        try:
            while not self._stop.wait(self._interval):
                with contextlib.suppress(sqlite3.OperationalError):  # busy: the next round
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _locked(error: Exception) -> bool:
    return "database is locked" in str(getattr(error, "orig", None) or error)


class Database:
    """Owns the engines. Only the service layer calls ``transaction``."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.engine = create_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        self._loop_engine = create_loop_engine(url) if self.dialect == "sqlite" else None
        self._statements = prepared.Statements()
        path = sqlite_file(url) if self._loop_engine is not None else None
        self._checkpointer = Checkpointer(path) if path is not None else None
        # SQLite has one writer at a time: queue this process's writers here, in order, instead
        # of letting them poll the database lock (the busy handler sleeps up to 100 ms a try).
        self._writers = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Conn]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._loop_engine is not None:
            lock = self._writers if write else None
            async with lock or contextlib.nullcontext():
                conn, begun = await self._loop_begin(write)
                try:
                    yield LoopConnection(conn, self._statements)
                except BaseException:
                    begun.rollback()
                    raise
                else:
                    begun.commit()
                finally:
                    conn.close()
            return
        async with self.engine.connect() as async_conn:
            if write:
                await async_conn.execution_options(**{_WRITE: True})
            async with async_conn.begin():
                yield async_conn

    async def _loop_begin(self, write: bool) -> tuple[Connection, RootTransaction]:
        """A connection and its begun transaction. While another process holds SQLite's write
        lock (``tender worker``, or ``serve --workers N``), wait for it on the event loop, a
        fraction of a millisecond at a time, instead of in SQLite's busy handler."""
        assert self._loop_engine is not None
        delay = 0.0002
        while True:
            conn = self._loop_engine.connect()
            if write:
                conn = conn.execution_options(**{_WRITE: True})
            try:
                return conn, conn.begin()
            except (OperationalError, sqlite3.OperationalError) as exc:
                conn.close()  # BEGIN failed: no transaction is open on it
                if not _locked(exc):
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.01)

    async def ping(self) -> bool:
        try:
            async with self.transaction(write=False) as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._loop_engine is not None:
            self._loop_engine.dispose()
        await self.engine.dispose()


__all__ = ["AsyncConnection", "Conn", "Database", "LoopConnection", "create_engine"]
