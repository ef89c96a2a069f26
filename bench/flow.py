"""Full-flow benchmark: create (Manual) → pay with 5200 0000 0000 0056 → capture → partial refund.

Starts a real ``tender serve`` on 127.0.0.1 against a fresh database (a SQLite file, or a new
PostgreSQL database that is dropped afterwards), then runs closed-loop clients for a fixed time at
each concurrency level and prints flows/s and per-step latency as a Markdown table.

    .venv/bin/python bench/flow.py --db sqlite --duration 10 --concurrency 1,4,16
    .venv/bin/python bench/flow.py --db postgresql --duration 10 --concurrency 1,4,16

Traffic goes only to 127.0.0.1; every loop is bounded by the duration.
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
TENDER = str(Path(sys.executable).parent / "tender")
PG_SERVER = os.environ.get("TENDER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
STEPS = ("create", "pay", "capture", "refund")
VERSION = "2024-02-05"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _pg(statement: str) -> None:
    engine = create_async_engine(
        PG_SERVER.replace("postgresql://", "postgresql+asyncpg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def one_flow(http: httpx.AsyncClient, headers: dict[str, str], n: int) -> dict[str, float]:
    """One purchase; returns each step's latency in seconds."""
    took: dict[str, float] = {}
    start = time.perf_counter()
    created = await http.post(
        "/payment-intents",
        json={"amount": {"value": 2500, "currencyCode": "GBP"}, "reference": f"bench {n}",
              "captureMode": "Manual"},
        headers=headers,
    )  # fmt: skip
    created.raise_for_status()
    intent = created.json()
    took["create"] = time.perf_counter() - start

    start = time.perf_counter()
    paid = await http.post(
        f"/api/payments/{intent['clientSessionSecret']}",
        json={"cardNumber": "5200 0000 0000 0056", "cardName": "Bench", "expiryDate": "12 / 39",
              "cV2": "341"},
    )  # fmt: skip
    assert paid.json()["statusCode"] == 0, paid.text
    took["pay"] = time.perf_counter() - start

    start = time.perf_counter()
    captured = await http.post(
        f"/payment-intents/{intent['id']}/captures", json={"amount": 2500}, headers=headers
    )
    captured.raise_for_status()
    took["capture"] = time.perf_counter() - start

    start = time.perf_counter()
    refunded = await http.post(
        f"/payment-intents/{intent['id']}/refunds",
        json={"amount": 1000, "refundReason": "bench"},
        headers={**headers, "idempotencyKey": f"bench-{intent['id']}"},
    )
    refunded.raise_for_status()
    took["refund"] = time.perf_counter() - start
    return took


async def level(base: str, key: str, concurrency: int, duration: float) -> dict[str, object]:
    headers = {"Authorization": f"Basic {key}", "version": VERSION}
    samples: list[dict[str, float]] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        deadline = time.perf_counter() + duration
        counter = iter(range(10**9))

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                try:
                    samples.append(await one_flow(http, headers, next(counter)))
                except (httpx.HTTPError, AssertionError):
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    row: dict[str, object] = {
        "concurrency": concurrency,
        "flows": len(samples),
        "errors": errors,
        "flows_per_s": len(samples) / elapsed,
    }
    for step in STEPS:
        values = sorted(s[step] * 1000 for s in samples) or [0.0]
        row[f"{step}_p50"] = statistics.median(values)
        row[f"{step}_p95"] = values[min(len(values) - 1, int(len(values) * 0.95))]
    return row


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("tender serve exited early; see its log")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("tender serve did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated levels")
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="TENDER_SANDBOX_LATENCY_MS for the server"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tender-bench-"))
    pg_name = None
    if args.db == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        pg_name = f"tender_bench_{os.getpid()}"
        asyncio.run(_pg(f'CREATE DATABASE "{pg_name}"'))
        url = f"{PG_SERVER}/{pg_name}"
    port = free_port()
    env = {**os.environ, "TENDER_DATABASE_URL": url, "TENDER_HOST": "127.0.0.1",
           "TENDER_PORT": str(port), "TENDER_SANDBOX_LATENCY_MS": str(args.latency_ms),
           "TENDER_SANDBOX_JOURNAL": str(tmp / "acquirer.sqlite3")}  # fmt: skip
    key = "sk_sandbox_" + secrets.token_urlsafe(24)
    subprocess.run([TENDER, "keys", "create", "--account", "bench", "--key", key], env=env,
                   check=True, capture_output=True)  # fmt: skip
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen([TENDER, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        rows = [
            asyncio.run(level(base, key, int(c), args.duration))
            for c in args.concurrency.split(",")
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        if pg_name:
            asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))

    acquirer = f", acquirer latency {args.latency_ms} ms" if args.latency_ms else ""
    print(
        f"\nfull flow on {args.db}{acquirer}, {args.duration:g} s per level "
        "(latency in ms, p50 / p95)\n"
    )
    head = "| clients | flows | flows/s | " + " | ".join(STEPS) + " | errors |"
    print(head)
    print("|" + "---|" * (len(STEPS) + 4))
    for r in rows:
        steps = " | ".join(f"{r[f'{s}_p50']:.1f} / {r[f'{s}_p95']:.1f}" for s in STEPS)
        print(
            f"| {r['concurrency']} | {r['flows']} | {r['flows_per_s']:.1f} | {steps} "
            f"| {r['errors']} |"
        )


if __name__ == "__main__":
    main()
