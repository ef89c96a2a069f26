"""Fixtures for running ``tender`` commands: a live server with an account key, and a runner."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner, Result

from tender.cli import app
from tender.clock import ShiftedClock
from tender.service import accounts
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import LiveServer


@dataclass
class Live:
    url: str
    key: str
    ctx: Context  # the live server's database, on the test's loop, with the test's clock

    async def tender(self, *args: str, **env: str) -> Result:
        """Run ``tender ARGS`` (in a worker thread: it blocks on HTTP to the live server)."""
        environment = {"TENDER_API_KEY": self.key, "TENDER_URL": self.url, "COLUMNS": "200"}
        environment.update(env)
        return await asyncio.to_thread(run, list(args), environment)


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, args, env=env, prog_name="tender")


@pytest.fixture
async def live(live_server: LiveServer, clock: ShiftedClock) -> AsyncIterator[Live]:
    db = Database(live_server.settings.database_url)
    ctx = Context(db=db, settings=live_server.settings, clock=clock)
    _, key = await accounts.create_key(ctx, account_name="cli merchant")
    try:
        yield Live(live_server.url, key, ctx)
    finally:
        await db.dispose()
