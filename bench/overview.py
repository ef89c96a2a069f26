"""How long the dashboard's 30-day overview takes to render over 100,000 payment intents.

Starts ``tender serve`` on a throwaway SQLite file and then on a throwaway PostgreSQL database,
loads the intents straight into the database (not through the API: attempts, captures and
refunds included, spread over the last 30 days), makes a dashboard user with ``tender users
create``, signs in through the real form and times ``GET /dashboard`` (server-rendered page,
figures from the aggregate queries). Writes ``bench/results/overview.md`` and ``.json``.

    .venv/bin/python -m bench.overview [--database sqlite|postgresql] [--intents 100000]
"""

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text

from bench import systems
from bench.common import RESULTS, TENDER, percentile
from tender.storage.db import Database
from tender.storage.tables import accounts, captures, payment_attempts, payment_intents, refunds

PASSWORD = "bench password 1"
BATCH = 5000
DECLINES = ["Declined", "Declined: insufficient funds", "Declined: expired card",
            "Declined: incorrect CVV"]  # fmt: skip


def _rows(account_id: str, n: int, rng: random.Random, now: datetime) -> dict[str, list[Any]]:
    """n intents over the last 30 days: 85 % paid (Auto, captured), 10 % declined, the rest
    never paid; 5 % of the paid ones partly refunded."""
    out: dict[str, list[Any]] = {"intents": [], "attempts": [], "captures": [], "refunds": []}
    for i in range(n):
        created = now - timedelta(seconds=rng.uniform(0, 30 * 86400 - 60))
        amount = rng.randrange(100, 20000)
        intent_id = f"pi_sandbox_bench{i:017d}"
        roll = rng.random()
        status = "Captured" if roll < 0.85 else "Created"
        out["intents"].append(dict(
            id=intent_id, account_id=account_id, status=status, capture_mode="Auto",
            currency="GBP", amount=amount, tips_amount=0, service_charge_amount=0,
            cashback_amount=0, reference=f"Order {i}", details={}, expire_at=created +
            timedelta(days=30), version=1, created_at=created, updated_at=created,
        ))  # fmt: skip
        if roll < 0.95:
            ok = roll < 0.85
            done = created + timedelta(seconds=5)
            out["attempts"].append(dict(
                id=f"att_sandbox_bench{i:017d}", intent_id=intent_id, token_hash=f"{i:064d}",
                method="Card", state="succeeded" if ok else "declined",
                status_code=0 if ok else 5,
                message="Authorised" if ok else rng.choice(DECLINES), amount=amount,
                card_brand="VISA", card_masked="424242******4242", card_last4="4242",
                processor_data={}, created_at=created, completed_at=done,
            ))  # fmt: skip
        if roll < 0.85:
            done = created + timedelta(seconds=5)
            out["captures"].append(dict(
                id=f"cp_sandbox_bench{i:017d}", intent_id=intent_id, amount=amount,
                tips_amount=0, status="Successful", message="Captured", created_at=done,
            ))  # fmt: skip
            if rng.random() < 0.05:
                out["refunds"].append(dict(
                    id=f"rfnd_sandbox_bench{i:017d}", intent_id=intent_id, amount=amount // 2,
                    status="Successful", created_at=min(done + timedelta(hours=1), now),
                ))  # fmt: skip
    return out


async def load(database_url: str, intents: int) -> None:
    db = Database(database_url)
    rng = random.Random(13)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as conn:
            account_id = (
                await conn.execute(select(accounts.c.id).where(accounts.c.name == "bench"))
            ).scalar_one()
        for start in range(0, intents, BATCH):
            rows = _rows(account_id, min(BATCH, intents - start), rng, now)
            for row in rows["intents"]:
                row["id"] += f"_{start}"
            suffix = f"_{start}"
            for name in ("attempts", "captures", "refunds"):
                for row in rows[name]:
                    row["id"] += suffix
                    row["intent_id"] += suffix
            async with db.transaction() as conn:
                await conn.execute(insert(payment_intents), rows["intents"])
                for table, name in ((payment_attempts, "attempts"), (captures, "captures"),
                                    (refunds, "refunds")):  # fmt: skip
                    if rows[name]:
                        await conn.execute(insert(table), rows[name])
        if db.dialect == "postgresql":  # as autovacuum would after a load this size
            async with db.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
    finally:
        await db.dispose()


def time_overview(url: str, email: str, runs: int) -> list[float]:
    with httpx.Client(base_url=url, timeout=60) as client:
        form = client.get("/dashboard/sign-in").text
        token = re.search(r'name="sign_in_token" value="([^"]+)"', form)[1]  # type: ignore[index]
        signed = client.post(
            "/dashboard/sign-in",
            data={"sign_in_token": token, "email": email, "password": PASSWORD},
        )
        assert signed.status_code == 303, signed.text
        client.get("/dashboard").raise_for_status()  # warm up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            page = client.get("/dashboard")
            samples.append(time.perf_counter() - started)
            page.raise_for_status()
            assert 'id="figure-payments"' in page.text
        return samples


def run(kind: str, intents: int, runs: int) -> dict[str, Any]:
    """``tender serve`` (the bench harness's) on a throwaway ``kind`` database that ``load``
    filled before the server started; a user made with ``tender users create``."""
    loaded: dict[str, Any] = {}

    def seed(url: str) -> None:
        started = time.perf_counter()
        asyncio.run(load(url, intents))
        loaded.update(url=url, seconds=time.perf_counter() - started)

    with (
        tempfile.TemporaryDirectory() as tmp,
        systems.tender("overview", kind, Path(tmp), seed=seed) as target,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
        env |= {"TENDER_DATABASE_URL": loaded["url"], "TENDER_USER_PASSWORD": PASSWORD}
        subprocess.run(
            [TENDER, "users", "create", "bench@example.com", "--account", "bench"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        url = f"http://{target.host}:{target.port}"
        samples = time_overview(url, "bench@example.com", runs)
        load_average = os.getloadavg()[0]
    return {
        "database": kind,
        "intents": intents,
        "load_seconds": round(loaded["seconds"], 1),
        "runs": runs,
        "p50_ms": round(percentile(samples, 50) * 1000, 1),
        "p95_ms": round(percentile(samples, 95) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
        "load_average": round(load_average, 2),
    }


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        f"#### Dashboard: the 30-day overview of {results[0]['intents']:,} intents",
        "",
        f"`python -m bench.overview` — {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} CPUs",
        "",
        "| database | intents | renders | p50 ms | p95 ms | max ms | load average |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['intents']:,} | {r['runs']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['max_ms']} | {r['load_average']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--intents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    results = [run(kind, args.intents, args.runs) for kind in args.database or
               ["sqlite", "postgresql"]]  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "overview.json").write_text(json.dumps(results, indent=2) + "\n")
    table = report(results)
    (RESULTS / "overview.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
