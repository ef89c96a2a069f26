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


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision``; safe to call on each start."""
    ensure_sqlite_dir(async_database_url(url))
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
