"""Payment-intent load: create -> retrieve -> search, at concurrency 1, 8 and 32 for a fixed time
per level, against a ``tender serve`` it starts itself on a throwaway SQLite file and/or a
throwaway PostgreSQL database (or against a running server: ``--url`` and ``--key``).

    make bench                              # both databases, 10 s per level
    python -m bench.run --database sqlite --seconds 5 --levels 1 8
"""

import argparse
import asyncio
import shlex
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.common import (
    Level,
    Record,
    Server,
    run_level,
    tender_server,
    throwaway_database,
    timed,
    write_results,
)


async def intent_round(client: httpx.AsyncClient, record: Record) -> None:
    """The seed's Step 1, then reading it back, then the newest page of the listing."""
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
    created = await timed(client, record, "create", "POST", "/payment-intents", json=body)
    if created.is_success:
        intent_id = created.json()["id"]
        await timed(client, record, "retrieve", "GET", f"/payment-intents/{intent_id}")
    await timed(
        client, record, "search", "POST", "/payment-intents/search", json={"cursor": {"limit": 10}}
    )


async def drive(server: Server, levels: list[int], seconds: float) -> list[Level]:
    results = []
    for concurrency in levels:
        level = await run_level(server, intent_round, concurrency, seconds)
        results.append(level)
        for kind, s in level.summary().items():
            print(
                f"{server.database:>10} c={concurrency:<3} {kind:<9} {s['rps']:>8} req/s  "
                f"p50 {s['p50_ms']:>7} ms  p95 {s['p95_ms']:>7} ms  p99 {s['p99_ms']:>7} ms  "
                f"errors {s['errors']}",
                flush=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", nargs="+", choices=["sqlite", "postgresql"],
                        default=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="per concurrency level")
    parser.add_argument("--url", help="benchmark this running server instead of starting one")
    parser.add_argument("--key", help="secret key for --url")
    parser.add_argument("--name", default="intents", help="results file name (bench/results/)")
    args = parser.parse_args(argv)
    command = "make bench" if argv is None and len(sys.argv) == 1 else shlex.join(
        ["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)]
    )  # fmt: skip

    runs: dict[str, list[Level]] = {}
    if args.url:
        if not args.key:
            parser.error("--url needs --key")
        server = Server(args.url.rstrip("/"), args.key, "external")
        runs["external"] = asyncio.run(drive(server, args.levels, args.seconds))
    else:
        for kind in args.database:
            with (
                tempfile.TemporaryDirectory() as tmp,
                throwaway_database(kind, Path(tmp)) as url,
                tender_server(url, kind, Path(tmp) / "serve.log") as server,
            ):
                runs[kind] = asyncio.run(drive(server, args.levels, args.seconds))
    path = write_results(args.name, "Payment intents: create → retrieve → search", runs, command)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
