"""``tender serve`` as a fresh user starts it: the first start migrates, prints a sandbox key on
stdout and serves the seed's Step 1; a second start prints no new key."""

import queue
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.processes import TENDER, environment, free_port, fresh_database


@contextmanager
def serving(
    url: str, port: int, log: Path
) -> Iterator[tuple[subprocess.Popen[str], "queue.Queue[str]"]]:
    with log.open("a") as stderr:
        process = subprocess.Popen(
            [TENDER, "serve"],
            env=environment(url, TENDER_PORT=str(port), TENDER_HOST="127.0.0.1"),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield process, lines
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_first_start_prints_a_key_that_serves_step_one(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with fresh_database(tmp_path) as url:
        port = free_port()
        with serving(url, port, log) as (_, lines):
            key = lines.get(timeout=10).strip()
            assert key.startswith("sk_sandbox_"), key
            response = httpx.post(
                f"http://127.0.0.1:{port}/payment-intents",
                json={"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"},
                headers={"Version": "2024-02-05", "Authorization": f"Basic {key}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            intent = response.json()
            assert intent["id"].startswith("pi_sandbox_")
            assert intent["status"] == "Created"
            assert intent["clientSessionSecret"]
            assert intent["paymentLink"] == f"http://127.0.0.1:{port}/checkout/{intent['id']}"
        assert "Created a sandbox account" in log.read_text()
        if url.startswith("sqlite:///"):  # the default database runs in WAL mode
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

        port = free_port()
        with serving(url, port, log) as (_, lines):
            again = httpx.get(
                f"http://127.0.0.1:{port}/payment-intents/{intent['id']}",
                headers={"Version": "2024-02-05", "Authorization": f"Basic {key}"},
            )
            assert again.status_code == 200
        printed = []
        while not lines.empty():
            printed.append(lines.get())
        assert not [line for line in printed if "sk_" in line], printed  # only access-log lines
        assert log.read_text().count("Created a sandbox account") == 1
