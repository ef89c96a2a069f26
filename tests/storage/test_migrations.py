"""The Alembic migrations and ``tables.py`` agree (autogenerate finds nothing to do), and the
migrations go down and up again cleanly."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tender.storage.db import Database
from tender.storage.migrate import alembic_config, head_revision, upgrade
from tender.storage.tables import metadata
from tests.processes import fresh_database


def differences(url: str) -> list[object]:
    async def main() -> list[object]:
        db = Database(url)
        try:
            async with db.engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(
                        MigrationContext.configure(c, opts={"compare_type": True}), metadata
                    )
                )
        finally:
            await db.dispose()

    return asyncio.run(main())


def table_names(url: str) -> set[str]:
    async def main() -> set[str]:
        db = Database(url)
        try:
            async with db.engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await db.dispose()

    return asyncio.run(main())


def test_migrations_match_the_tables(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        upgrade(url)
        assert differences(url) == []


def test_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        upgrade(url)
        command.downgrade(alembic_config(url), "base")
        assert table_names(url) <= {"alembic_version"}
        upgrade(url)
        assert {t.name for t in metadata.sorted_tables} <= table_names(url)
        assert differences(url) == []
        assert head_revision() is not None
