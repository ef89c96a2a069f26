"""Store many payment intents fast, straight into the database (not through the API), to
measure the flow on a database of a realistic size.

    .venv/bin/python -m bench.seed --database-url sqlite:///var/big.db --intents 1000000
    .venv/bin/python -m bench.seed --database-url postgresql://postgres@127.0.0.1/big

It migrates the database (as ``tender migrate`` does), then writes, per batch of intents in one
transaction, the rows of ``bench.seedrows`` into the tables of ``tender.storage.tables``:
``COPY`` (asyncpg's binary copy) on PostgreSQL, ``executemany`` of SQLAlchemy Core inserts on
SQLite (durability off and a 1 GiB page cache while seeding: a failed seed is thrown away).
Outbox events are marked as already fanned out to webhooks, as the dispatcher leaves them, and
PostgreSQL gets ``VACUUM ANALYZE`` as autovacuum would give it. Intents go to the account named
``--account`` (created if missing).
"""

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python bench/seed.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, Table, create_engine, exists, func, insert, select, text, update
from sqlalchemy.engine import make_url

from bench.seedrows import ORDER, Generator, Rows, json_columns
from tender.domain.money import DEFAULT_ACCOUNT_CURRENCIES
from tender.storage import migrate
from tender.storage.db import Database
from tender.storage.tables import accounts, outbox_events, webhook_cursors, webhook_fanouts

BATCH = 20_000


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _account_values(name: str, now: datetime) -> dict[str, Any]:
    from tender.ids import new_id

    return {
        "id": new_id("acc"),
        "name": name,
        "environment": "sandbox",
        "currencies": list(DEFAULT_ACCOUNT_CURRENCIES),
        "created_at": now,
    }


def _mark_fanned_out(conn: Connection, first_seq: int) -> None:
    """Every seeded outbox event as the webhook dispatcher leaves it: a fan-out marker, and the
    low-water cursor above them when nothing older waits."""
    o, f = outbox_events, webhook_fanouts
    new = select(o.c.seq, o.c.created_at).where(
        o.c.seq > first_seq, ~exists(select(f.c.seq).where(f.c.seq == o.c.seq))
    )
    conn.execute(insert(f).from_select(["seq", "created_at"], new))
    top = conn.execute(select(func.max(o.c.seq))).scalar() or 0
    cursor = conn.execute(select(webhook_cursors.c.seq).where(webhook_cursors.c.name == "fanout"))
    current = cursor.scalar()
    if current is None and first_seq == 0:
        conn.execute(insert(webhook_cursors).values(name="fanout", seq=top))
    elif current is not None and current >= first_seq:
        conn.execute(
            update(webhook_cursors).where(webhook_cursors.c.name == "fanout").values(seq=top)
        )


# --- SQLite -------------------------------------------------------------------------------


def _seed_sqlite(url: str, gen: Generator, account_name: str, batch: int) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            # Random ids land all over each index: keep them in memory while seeding (1 GiB).
            conn.exec_driver_sql("PRAGMA cache_size=-1048576")
            conn.commit()
            with conn.begin():
                account_id = _account(conn, account_name, gen.now)
                first_seq = conn.execute(select(func.max(outbox_events.c.seq))).scalar() or 0
            gen.account_id = account_id
            writers = [
                _sqlite_writer(conn, table, gen.shapes[table.name].columns) for table in ORDER
            ]
            for start in range(0, gen.total, batch):
                rows = gen.rows(start, min(start + batch, gen.total))
                with conn.begin():
                    for write in writers:
                        write(rows)
                _progress(start + batch, gen.total)
            with conn.begin():
                _mark_fanned_out(conn, first_seq)
    finally:
        engine.dispose()
    return account_id


def _sqlite_writer(conn: Connection, table: Table, columns: list[str]) -> Callable[[Rows], None]:
    """``executemany`` of the table's compiled INSERT, each value through its column type's
    bind processor: what ``conn.execute(insert(table), rows)`` does, without building the
    parameters row by row in SQLAlchemy (a fifth less CPU)."""
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    statement = str(compiled)
    order = compiled.positiontup or columns
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in order]
    plan = list(zip(order, processors, strict=True))

    def write(rows: Rows) -> None:
        if rows[table.name]:
            values = [
                tuple(p(row[c]) if p else row[c] for c, p in plan) for row in rows[table.name]
            ]
            conn.exec_driver_sql(statement, values)

    return write


def _account(conn: Connection, name: str, now: datetime) -> str:
    found = conn.execute(select(accounts.c.id).where(accounts.c.name == name)).scalar()
    if found is not None:
        return str(found)
    values = _account_values(name, now)
    conn.execute(insert(accounts).values(**values))
    return str(values["id"])


# --- PostgreSQL ---------------------------------------------------------------------------


def _records(table_name: str, rows: Rows, columns: list[str], jsons: set[str]) -> list[tuple]:
    return [
        tuple(json.dumps(row[c]) if c in jsons else row[c] for c in columns)
        for row in rows[table_name]
    ]


async def _seed_postgres(url: str, gen: Generator, account_name: str, batch: int) -> str:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            async with conn.begin():
                account_id = await conn.run_sync(lambda c: _account(c, account_name, gen.now))
                first_seq = (await conn.execute(select(func.max(outbox_events.c.seq)))).scalar()
            gen.account_id = account_id
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            shapes = [(t.name, gen.shapes[t.name].columns, json_columns(t)) for t in ORDER]
            for start in range(0, gen.total, batch):
                rows = gen.rows(start, min(start + batch, gen.total))
                async with raw.transaction():
                    for name, columns, jsons in shapes:
                        if rows[name]:
                            records = _records(name, rows, columns, jsons)
                            await raw.copy_records_to_table(name, records=records, columns=columns)
                _progress(start + batch, gen.total)
            async with conn.begin():
                await conn.run_sync(lambda c: _mark_fanned_out(c, first_seq or 0))
            _log("VACUUM ANALYZE")
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in (*ORDER, webhook_fanouts):
                await autocommit.execute(text(f"VACUUM ANALYZE {table.name}"))
    finally:
        await db.dispose()
    return account_id


_started = time.perf_counter()


def _progress(done: int, total: int) -> None:
    done = min(done, total)
    if done == total or done % 100_000 < BATCH:
        _log(f"  {done:>10,} / {total:,} intents, {time.perf_counter() - _started:.0f} s")


def seed_database(
    url: str,
    intents: int,
    *,
    account_name: str = "seed",
    outbox_share: float = 0.2,
    batch: int = BATCH,
    rng_seed: int | None = None,
) -> str:
    """Migrate ``url`` and store ``intents`` intents in the account ``account_name``; returns
    that account's id."""
    global _started
    _started = time.perf_counter()
    migrate.upgrade(url)
    now = datetime.now(UTC)
    gen = Generator("", intents, now, outbox_share, random.Random(rng_seed))
    _log(f"seeding {intents:,} intents into {make_url(url).render_as_string()}")
    if make_url(url).get_backend_name() == "sqlite":
        account_id = _seed_sqlite(url, gen, account_name, batch)
    else:
        account_id = asyncio.run(_seed_postgres(url, gen, account_name, batch))
    _log(f"seeded in {time.perf_counter() - _started:.0f} s")
    return account_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///… or postgresql://…")
    parser.add_argument("--intents", type=int, default=1_000_000)
    parser.add_argument("--account", default="seed", help="account name; created if missing")
    parser.add_argument("--outbox-share", type=float, default=0.2, help="intents with events")
    parser.add_argument("--batch", type=int, default=BATCH, help="intents per transaction")
    args = parser.parse_args(argv)
    seed_database(
        args.database_url,
        args.intents,
        account_name=args.account,
        outbox_share=args.outbox_share,
        batch=args.batch,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
