"""``make bench``: the full payment flow against Tender on SQLite, Tender on PostgreSQL and
localstripe, at concurrency 1, 8 and 32 for a fixed time per level, plus Tender with a slow
acquirer; one table in ``bench/results/flow.md`` (and ``.json``). Each server is started here on
a free 127.0.0.1 port with fresh state, and stopped after.

    make bench
    make bench BENCH_ARGS="--seconds 3 --levels 1 8 --systems tender-sqlite localstripe"
    make bench BENCH_ARGS="--seeded 1000000"     # also: the same flow after 1M stored intents
    python -m bench.run --url http://127.0.0.1:8000 --key sk_sandbox_…   # a server of yours
"""

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvloop

from bench import report, systems
from bench.flows import TenderFlow
from bench.load import LevelResult, Target, run_level

SYSTEMS = (
    "tender-sqlite",
    "tender-postgresql",
    "localstripe",
    "tender-sqlite-latency",
    "tender-postgresql-latency",
)
Start = Callable[[Path], AbstractContextManager[Target]]


def _print_level(label: str, lv: LevelResult) -> None:
    s = report.summary(lv)
    steps = "  ".join(f"{name} {st['p50_ms']}/{st['p99_ms']}" for name, st in s["steps"].items())
    print(
        f"{label:<34} c={lv.concurrency:<3} {s['flows_per_s']:>7} flows/s  "
        f"p50/p99 ms: {steps}  server {s['server_cpu_ms_per_flow']} ms/flow  "
        f"db {s['db_cpu_ms_per_flow']}  gen {s['generator_cpu_us_per_request']} µs/req  "
        f"busy {s['machine_busy_pct']}%  errors {s['errors']}",
        flush=True,
    )
    for sample in s["error_samples"]:
        print(f"    error: {sample[:300]}", flush=True)


def drive(target: Target, label: str, levels: list[int], args: argparse.Namespace) -> report.Run:
    run = report.Run(target.system, label, target.notes)

    async def go() -> None:
        for concurrency in levels:
            lv = await run_level(target, concurrency, args.seconds, args.warmup)
            run.levels.append(lv)
            _print_level(label, lv)

    uvloop.run(go())
    return run


def plan(
    args: argparse.Namespace, seed: Callable[[str], None] | None = None
) -> Iterator[tuple[str, Start, list[int]]]:
    """(label, start, levels) for each system asked for, in the order they run."""
    for system in args.systems:
        if seed is not None and system not in ("tender-sqlite", "tender-postgresql"):
            continue
        if system == "tender-sqlite":
            start = partial(systems.tender, system, "sqlite", seed=seed)
            yield "Tender, SQLite", start, args.levels
        elif system == "tender-postgresql":
            processes = args.postgres_processes
            start = partial(systems.tender, system, "postgresql", processes=processes, seed=seed)
            yield "Tender, PostgreSQL", start, args.levels
        elif system == "localstripe":
            yield f"localstripe {systems.localstripe_version()}", systems.localstripe, args.levels
        elif system in ("tender-sqlite-latency", "tender-postgresql-latency"):
            ms, database = args.latency_ms, system.split("-")[1]
            start = partial(systems.tender, system, database, latency_ms=ms, seed=seed)
            name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[database]
            yield f"Tender, {name}, acquirer +{ms} ms", start, args.latency_levels


def measure(args: argparse.Namespace, seed: Callable[[str], None] | None = None) -> list[Any]:
    runs = []
    for label, start, levels in plan(args, seed):
        shown = label if seed is None else f"{label}, {args.seeded:,} intents stored"
        with tempfile.TemporaryDirectory(prefix="tender-bench-") as tmp, start(Path(tmp)) as t:
            if "processes" in t.notes and t.notes["processes"] > 1:
                shown += f" ({t.notes['processes']} processes)"
            runs.append(drive(t, shown, levels, args))
    return runs


def external(args: argparse.Namespace) -> list[Any]:
    parts = urlsplit(args.url)
    target = Target(
        system="external",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 80,
        flow=TenderFlow(args.key),
        cpu={"server": args.pid} if args.pid else {},
        notes={"url": args.url},
    )
    return [drive(target, args.url, args.levels, args)]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded, before each level")
    parser.add_argument("--latency-ms", type=int, default=150, help="TENDER_SANDBOX_LATENCY_MS")
    parser.add_argument("--latency-levels", nargs="+", type=int, default=[1, 16, 32])
    parser.add_argument(
        "--postgres-processes", type=int, default=2,
        help="tender serve --workers N on PostgreSQL, where that option exists",
    )  # fmt: skip
    parser.add_argument(
        "--seeded", type=int, default=0, metavar="N",
        help="then again on SQLite and PostgreSQL with N intents stored first (bench/seed.py)",
    )  # fmt: skip
    parser.add_argument("--url", help="drive this running Tender instead of starting servers")
    parser.add_argument("--key", help="a secret key of the server at --url")
    parser.add_argument("--pid", type=int, nargs="*", help="its process ids, for CPU per flow")
    parser.add_argument("--name", default="flow", help="results file name in bench/results/")
    args = parser.parse_args(argv)
    if args.url and not args.key:
        parser.error("--url needs --key")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    given = sys.argv[1:] if argv is None else argv
    command = "make bench" + (f' BENCH_ARGS="{shlex.join(given)}"' if given else "")
    meta = {
        "command": command,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    runs = external(args) if args.url else measure(args)
    path = report.write(args.name, "The full payment flow", runs, meta)
    print("\n" + path.read_text(), flush=True)
    if args.seeded and not args.url:
        from bench.seed import seed_database

        timings: dict[str, float] = {}

        def seed(url: str) -> None:
            started = time.perf_counter()
            seed_database(url, args.seeded, account_name="bench")
            timings[url.split(":", 1)[0]] = round(time.perf_counter() - started, 1)

        meta = {**meta, "load_before": [round(x, 2) for x in os.getloadavg()]}
        seeded = measure(args, seed)
        meta["seeding_seconds"] = timings
        title = f"The full payment flow after {args.seeded:,} stored intents"
        path = report.write(f"{args.name}-seeded", title, seeded, meta)
        print("\n" + path.read_text(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
