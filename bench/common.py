"""Shared by the benchmarks: start ``tender serve`` on a throwaway database, make a key, drive
a scenario at several concurrency levels for a fixed time, and report requests/s and latency
percentiles per request type as a markdown table and JSON under ``bench/results/``.

A scenario is an async function ``step(client, record)`` that makes one round of requests and
calls ``record(kind, seconds, ok)`` for each; ``run_levels`` runs it in N workers at a time.
"""

import asyncio
import contextlib
import json
import math
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).resolve().parent / "results"
TENDER = str(Path(sys.executable).with_name("tender"))
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
VERSION = "2024-02-05"

Record = Callable[[str, float, bool], None]
Step = Callable[[httpx.AsyncClient, Record], Awaitable[None]]


def percentile(samples: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0 < p <= 100) of ``samples``; NaN if empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a server of our own ------------------------------------------------------------------


@dataclass
class Server:
    url: str
    key: str
    database: str  # sqlite | postgresql


def _run_admin(server_url: str, statement: str) -> None:
    from sqlalchemy import text

    from tender.storage.db import Database

    async def main() -> None:
        db = Database(server_url)
        try:
            async with db.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(statement))
        finally:
            await db.dispose()

    asyncio.run(main())


@contextlib.contextmanager
def throwaway_database(kind: str, workdir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file in ``workdir``, or a PostgreSQL database created on
    ``TENDER_BENCH_POSTGRES_URL`` (default the local server) and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy.engine import make_url

    server = os.environ.get("TENDER_BENCH_POSTGRES_URL", DEFAULT_PG)
    name = f"tender_bench_{secrets.token_hex(4)}"
    _run_admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        _run_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def tender_server(database_url: str, kind: str, log: Path) -> Iterator[Server]:
    """``tender serve`` on a free 127.0.0.1 port (no background jobs), plus a key made with
    ``tender keys create``; stopped when the block ends."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
    env |= {
        "TENDER_DATABASE_URL": database_url,
        "TENDER_PORT": str(port),
        "TENDER_RUN_WORKERS": "0",
    }
    subprocess.run([TENDER, "migrate"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [TENDER, "keys", "create", "--account", "bench"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    key = made.stdout.strip()
    with log.open("w") as out:
        process = subprocess.Popen(
            [TENDER, "serve", "--no-workers"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"tender serve exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("tender serve did not become healthy in 60 s")
            time.sleep(0.1)
        yield Server(url, key, kind)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- load ---------------------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def summary(self) -> dict[str, dict[str, float | int]]:
        out: dict[str, dict[str, float | int]] = {}
        for kind, samples in self.latencies.items():
            out[kind] = {
                "requests": len(samples),
                "errors": self.errors.get(kind, 0),
                "rps": round(len(samples) / self.seconds, 1),
                "p50_ms": round(percentile(samples, 50) * 1000, 2),
                "p95_ms": round(percentile(samples, 95) * 1000, 2),
                "p99_ms": round(percentile(samples, 99) * 1000, 2),
            }
        return out


@contextlib.asynccontextmanager
async def api_client(server: Server, connections: int) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Authorization": f"Basic {server.key}", "version": VERSION}
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, limits=limits, timeout=60
    ) as client:
        yield client


async def run_level(server: Server, step: Step, concurrency: int, seconds: float) -> Level:
    """``concurrency`` workers repeat ``step`` until ``seconds`` have passed."""
    level = Level(concurrency, seconds)

    def record(kind: str, elapsed: float, ok: bool) -> None:
        level.latencies[kind].append(elapsed)
        if not ok:
            level.errors[kind] += 1

    async with api_client(server, concurrency) as client:
        await step(client, lambda *_: None)  # warm up connections and caches
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                await step(client, record)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        level.seconds = time.perf_counter() - started
    return level


async def timed(
    client: httpx.AsyncClient, record: Record, kind: str, method: str, path: str, **kw: Any
) -> httpx.Response:
    """One request, recorded under ``kind`` (ok = a 2xx answer)."""
    started = time.perf_counter()
    response = await client.request(method, path, **kw)
    record(kind, time.perf_counter() - started, response.is_success)
    return response


# --- reports ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work sharing the machine
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def markdown(title: str, runs: dict[str, list[Level]], command: str) -> str:
    info = machine()
    lines = [
        f"### {title}",
        "",
        f"`{command}` — {info['at']}, {info['cpus']} CPUs, load average "
        f"{info['load_average_1m']} when the report was written",
        "",
    ]
    lines += [
        "| database | concurrency | request | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for database, levels in runs.items():
        for level in levels:
            for kind, s in level.summary().items():
                lines.append(
                    f"| {database} | {level.concurrency} | {kind} | {s['rps']} | {s['p50_ms']} "
                    f"| {s['p95_ms']} | {s['p99_ms']} | {s['errors']} |"
                )
    return "\n".join(lines) + "\n"


def write_results(name: str, title: str, runs: dict[str, list[Level]], command: str) -> Path:
    """``bench/results/<name>.md`` and ``.json``; returns the markdown path."""
    RESULTS.mkdir(exist_ok=True)
    data = {
        "name": name,
        "command": command,
        "machine": machine(),
        "runs": {
            database: [
                {
                    "concurrency": lv.concurrency,
                    "seconds": round(lv.seconds, 2),
                    "requests": lv.summary(),
                }
                for lv in levels
            ]
            for database, levels in runs.items()
        },
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    path = RESULTS / f"{name}.md"
    path.write_text(markdown(title, runs, command))
    return path
