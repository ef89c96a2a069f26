"""Shared by the benchmark's pieces: percentiles, free ports, throwaway databases, the machine
a run was measured on."""

import asyncio
import contextlib
import math
import os
import platform
import secrets
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TENDER = str(Path(sys.executable).with_name("tender"))
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


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


def wait_for_port(host: str, port: int, timeout: float) -> None:
    """Return once something accepts connections on ``host:port``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port}") from None
            time.sleep(0.05)


# --- throwaway databases ------------------------------------------------------------------


def postgres_server() -> str:
    """The PostgreSQL server throwaway databases are made on (``TENDER_BENCH_POSTGRES_URL``)."""
    return os.environ.get("TENDER_BENCH_POSTGRES_URL", DEFAULT_PG)


def run_admin(server_url: str, statement: str) -> Any:
    """Run one statement outside a transaction (CREATE/DROP DATABASE); its first value, if any."""
    from sqlalchemy import text

    from tender.storage.db import Database

    async def main() -> Any:
        db = Database(server_url)
        try:
            async with db.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                result = await conn.execute(text(statement))
                return result.scalar() if result.returns_rows else None
        finally:
            await db.dispose()

    return asyncio.run(main())


@contextlib.contextmanager
def throwaway_database(kind: str, workdir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file in ``workdir``, or a PostgreSQL database created on
    ``postgres_server()`` and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy.engine import make_url

    server = postgres_server()
    name = f"tender_bench_{secrets.token_hex(4)}"
    run_admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        run_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postmaster_pid(server_url: str) -> int | None:
    """The PostgreSQL server's process id when it runs on this machine (its CPU is then read
    from /proc), else None."""
    from sqlalchemy import text

    from tender.storage.db import Database

    def parent_of_backend(backend: int) -> int | None:
        try:
            stat = Path(f"/proc/{backend}/stat").read_text()
            cmdline = Path(f"/proc/{backend}/cmdline").read_bytes()
        except OSError:
            return None
        if b"postgres" not in cmdline:  # a pid of another machine's that happens to exist here
            return None
        return int(stat[stat.rindex(")") + 2 :].split()[1])

    async def main() -> int | None:
        db = Database(server_url)
        try:
            async with db.engine.connect() as conn:  # the backend lives while this is open
                backend = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                return parent_of_backend(int(backend))
        finally:
            await db.dispose()

    return asyncio.run(main())


# --- the machine --------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # other work sharing the machine
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
