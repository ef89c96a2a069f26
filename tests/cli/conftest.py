"""Running ``tender`` commands: in-process (typer's runner) against a live server with an
account key, or as real processes whose output lines are read by threads."""

import asyncio
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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


TENDER = str(Path(sys.executable).with_name("tender"))


class Process:
    """A ``tender`` process whose output lines are read by threads (never blocking a test)."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [TENDER, *args],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout and self.proc.stderr
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, predicate: object, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if predicate(line):  # type: ignore[operator]
                return line
        raise AssertionError("no such line; output was:\n" + "\n".join(seen))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
