"""Helpers for tests that run ``tender`` as a real process: a fresh empty database of the
backend under test, the command's environment, a free port."""

import asyncio
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import DEFAULT_PG, _admin, backend

TENDER = str(Path(sys.executable).with_name("tender"))


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty (unmigrated) database, dropped afterwards."""
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = os.environ.get("TENDER_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"tender_fresh_{secrets.token_hex(4)}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``tender`` process: no TENDER_* of ours leaks in, and the sandbox
    acquirer keeps its journal in memory unless the test names a file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
    journal = {"TENDER_SANDBOX_JOURNAL": ":memory:"}
    return {**env, **journal, "TENDER_DATABASE_URL": database_url, **extra}


def tender(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TENDER, *args],
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
