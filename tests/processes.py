"""The one harness for running ``tender`` for real: a fresh empty database of the backend under
test, the command's environment, one-shot commands (as a process, or in-process through typer's
runner), and long-running ``serve``/``worker``/``listen`` processes whose output lines are read
by threads, so a test never blocks on a pipe."""

import asyncio
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from tender.cli import app
from tender.service.context import Context
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
    return {**env, **journal, "TENDER_DATABASE_URL": database_url, "COLUMNS": "200", **extra}


def tender(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``tender ARGS`` as a process, to completion."""
    return subprocess.run(
        [TENDER, *args],
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    """``tender ARGS`` in-process (typer's runner): fast, for commands that talk HTTP."""
    return CliRunner().invoke(app, args, env=env, prog_name="tender")


@dataclass
class Live:
    """An account key on the test's live server (the ``live`` fixture)."""

    url: str
    key: str
    ctx: Context  # the live server's database, on the test's loop, with the test's clock

    async def tender(self, *args: str, **env: str) -> Result:
        """Run ``tender ARGS`` in-process (in a worker thread: it blocks on HTTP)."""
        environment = {"TENDER_API_KEY": self.key, "TENDER_URL": self.url, "COLUMNS": "200"}
        environment.update(env)
        return await asyncio.to_thread(run, list(args), environment)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """A long-running ``tender`` process; ``lines`` gets stdout and stderr as they come."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [TENDER, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []  # everything read so far, for failure messages
        assert self.proc.stdout and self.proc.stderr
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        """The first output line (not seen before) that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.output.append(line)
            if predicate(line):
                return line
        raise AssertionError("no such line; output was:\n" + "\n".join(self.output))

    def all_output(self) -> str:
        """Everything it printed so far."""
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "\n".join(self.output)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self) -> None:
        """``kill -9``: no shutdown, no cleanup, as a crash."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=15)


def until_healthy(url: str, process: Process, timeout: float = 60) -> None:
    """Return once ``url``/health answers 200; fail with the process's output if it exits."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.proc.poll() is None, process.all_output()
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, process.all_output()
        time.sleep(0.1)


@contextmanager
def serving(database_url: str, **env: str) -> Iterator[tuple[Process, str]]:
    """``tender serve`` on a free 127.0.0.1 port, once /health answers: (process, base URL)."""
    port = free_port()
    process = Process("serve", "--port", str(port), env=environment(database_url, **env))
    url = f"http://127.0.0.1:{port}"
    try:
        until_healthy(url, process)
        yield process, url
    finally:
        process.stop()
