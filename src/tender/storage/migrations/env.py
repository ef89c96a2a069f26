"""Alembic environment: async engine, batch mode on SQLite, an advisory lock on PostgreSQL so
several processes starting at once migrate one after another."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tender.storage.tables import metadata

_LOCK_ID = 7_404_263  # arbitrary, constant: pg_advisory_lock key for migrations


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_lock({_LOCK_ID})"))
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_unlock({_LOCK_ID})"))
            connection.commit()


async def _main(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


asyncio.run(_main(context.config.attributes["database_url"]))
