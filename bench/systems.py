"""The systems under test, each started on a free 127.0.0.1 port on fresh state and stopped
after: ``tender serve`` on a throwaway SQLite file or PostgreSQL database, and localstripe in a
virtual environment of its own (``var/bench/``)."""

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import cpu
from bench.common import (
    ROOT,
    TENDER,
    free_port,
    postgres_server,
    postmaster_pid,
    throwaway_database,
    wait_for_port,
)
from bench.flows import LocalstripeFlow, TenderFlow
from bench.load import Target

VAR = ROOT / "var" / "bench"
LOCALSTRIPE_REQUIREMENTS = ROOT / "bench" / "localstripe-requirements.txt"
LOCALSTRIPE_MAIN = ROOT / "bench" / "localstripe_main.py"
START_TIMEOUT = 90.0


def _clean_env(**tender: str) -> dict[str, str]:
    """This environment without the caller's TENDER_* settings, plus ``tender``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
    return env | {f"TENDER_{k.upper()}": v for k, v in tender.items()}


def takes_processes(help_text: str) -> bool:
    """Whether ``tender serve --help`` shows ``--workers N`` (a number of API processes); before
    issue 10 ``--workers / --no-workers`` was a switch for the background jobs."""
    for line in help_text.splitlines():
        if re.search(r"--workers\b", line) and "--no-workers" not in line:
            return re.search(r"<int[ >]|\bINTEGER\b", line) is not None
    return False


def serve_takes_processes() -> bool:
    env = _clean_env() | {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    shown = subprocess.run(
        [TENDER, "serve", "--help"], env=env, capture_output=True, text=True, check=True
    ).stdout
    return takes_processes(shown)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process`` and whatever it started (uvicorn's worker processes), by their ids."""
    family = cpu.tree([process.pid], cpu.processes()) - {process.pid}
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in family:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _wait_healthy(
    process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited: {log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.1)


Seeder = Callable[[str], None]  # fills a migrated database with a bench account before serving


@contextlib.contextmanager
def tender(
    system: str,
    database: str,
    workdir: Path,
    *,
    processes: int = 1,
    latency_ms: int = 0,
    seed: Seeder | None = None,
    wrap: tuple[str, ...] = (),
    start_timeout: float = START_TIMEOUT,
) -> Iterator[Target]:
    """``tender serve`` on a throwaway ``database`` (sqlite | postgresql), with ``processes``
    API processes when ``--workers N`` exists (else one), and a key made with ``tender keys
    create --key``. ``wrap`` runs the server under another program (``bench.instructions``: one
    process under callgrind, given ``start_timeout`` seconds to answer)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with throwaway_database(database, workdir) as url:
        port = free_port()
        env = _clean_env(
            database_url=url,
            host="127.0.0.1",
            port=str(port),
            sandbox_journal=str(workdir / "acquirer.sqlite3"),
            sandbox_latency_ms=str(latency_ms),
        )
        key = "sk_sandbox_bench" + secrets.token_hex(16)
        subprocess.run([TENDER, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [TENDER, "keys", "create", "--account", "bench", "--key", key],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        if seed is not None:
            seed(url)
        command = [*wrap, sys.executable, "-m", "tender", "serve"] if wrap else [TENDER, "serve"]
        multi = processes > 1 and serve_takes_processes()
        if multi:
            command += ["--workers", str(processes)]
        log = workdir / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(process, f"http://127.0.0.1:{port}/health", log, start_timeout)
            trees = {"server": [process.pid]}
            if database == "postgresql" and (pid := postmaster_pid(postgres_server())):
                trees["db"] = [pid]
            yield Target(
                system=system,
                host="127.0.0.1",
                port=port,
                flow=TenderFlow(key),
                cpu=trees,
                notes={
                    "database": database,
                    "processes": processes if multi else 1,
                    "command": " ".join(["tender", *command[1:]]),
                    "sandbox_latency_ms": latency_ms,
                },
            )
        finally:
            _stop(process)


# --- localstripe --------------------------------------------------------------------------


def localstripe_version() -> str:
    for line in LOCALSTRIPE_REQUIREMENTS.read_text().splitlines():
        if line.startswith("localstripe=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError(f"{LOCALSTRIPE_REQUIREMENTS} pins no localstripe")


def localstripe_python() -> Path:
    """The interpreter of localstripe's own virtual environment, made (pinned) on first use."""
    venv = VAR / f"localstripe-{localstripe_version()}"
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    wanted = LOCALSTRIPE_REQUIREMENTS.read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"installing localstripe into {venv}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(LOCALSTRIPE_REQUIREMENTS)],
            check=True,
        )
        stamp.write_text(wanted)
    return python


@contextlib.contextmanager
def localstripe(workdir: Path) -> Iterator[Target]:
    """localstripe from scratch on 127.0.0.1 (``localstripe_main.py``), its store pickled in
    ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    python = localstripe_python()
    port = free_port()
    log = workdir / "localstripe.log"
    command = [
        str(python), str(LOCALSTRIPE_MAIN),
        "--port", str(port), "--store", str(workdir / "localstripe.pickle"),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port("127.0.0.1", port, timeout=START_TIMEOUT)
        yield Target(
            system="localstripe",
            host="127.0.0.1",
            port=port,
            flow=LocalstripeFlow(),
            cpu={"server": [process.pid]},
            notes={"version": localstripe_version(), "processes": 1},
        )
    finally:
        _stop(process)
