"""Alembic, driven from code: ``tender migrate`` and ``tender serve`` call ``upgrade``."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from tender.config import async_database_url
from tender.storage.db import ensure_sqlite_dir

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = async_database_url(url)
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply every migration up to ``revision`` (every branch's head: issues add migrations in
    parallel from the same parent); safe to call on each start."""
    ensure_sqlite_dir(async_database_url(url))
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return ", ".join(sorted(heads)) or None
