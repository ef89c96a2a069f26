"""Machine instructions per payment flow: what one ``tender serve`` process executes for a flow
(create → pay → capture → refund), counted by valgrind's callgrind.

Time-based figures on a shared virtual machine move with its neighbours (here the same CPU loop
took 0.38 s and 0.72 s a few seconds apart), so two versions of Tender can only be compared by
timing them back to back, many times. An instruction count does not move with the machine:
callgrind gives the same total for the same work, so one run per version settles whether a
change made a request cheaper. It counts CPU work only: waiting (an ``fsync``, a lock) is not in
it, which is why ``make bench`` still matters.

    python -m bench.instructions                         # SQLite and PostgreSQL, 20 flows each
    python -m bench.instructions --databases sqlite --flows 5
    PYTHONPATH=/path/to/other/checkout/src python -m bench.instructions   # another version

The server starts under callgrind with counting off, answers ``--warmup`` flows (imports,
compiled statements, caches), then counts ``--flows`` flows driven one after another, and
prints instructions per flow. Every thread of the process is counted (SQLite's checkpointer
too). Valgrind runs the server ~50× slower: a run takes about a minute per database.
"""

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import systems
from bench.load import Target


async def _drive(target: Target, flows: int, tag: str) -> None:
    conn = target.flow.connect(target.host, target.port)
    took: list[float] = []
    for number in range(flows):
        await target.flow(conn, f"{tag}-{number}-", took)


def _callgrind(pid: int, *command: str) -> None:
    subprocess.run(["callgrind_control", *command, str(pid)], check=True, capture_output=True)


def totals(out: Path) -> int:
    """The instructions counted in callgrind's dumps named ``out``, ``out.1``, …"""
    count = 0
    for dump in out.parent.glob(out.name + "*"):
        for line in dump.read_text().splitlines():
            if line.startswith("totals:"):
                count += int(line.split()[1])
    return count


def measure(database: str, flows: int, warmup: int, workdir: Path) -> int:
    """Instructions per flow of one ``tender serve`` process on ``database``."""
    out = workdir / f"callgrind-{database}.out"
    wrap = (
        shutil.which("valgrind") or "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
    )
    with systems.tender(
        f"tender-{database}", database, workdir / database, wrap=wrap, start_timeout=600
    ) as target:
        pid = target.cpu["server"][0]
        asyncio.run(_drive(target, warmup, "warm"))
        _callgrind(pid, "--instr=on")
        asyncio.run(_drive(target, flows, "counted"))
        _callgrind(pid, "--instr=off")
        _callgrind(pid, "--dump")
    return totals(out) // flows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--flows", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="tender-instructions-") as tmp:
        for database in args.databases:
            per_flow = measure(database, args.flows, args.warmup, Path(tmp))
            print(f"{database}: {per_flow:,} instructions per flow ({args.flows} flows)")


if __name__ == "__main__":
    main()
